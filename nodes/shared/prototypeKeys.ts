/**
 * Names that must never become a property name taken from input: assigning `__proto__` sets an
 * object's prototype instead of a value, and `constructor` or `prototype` read as built-ins
 * downstream. Every module that turns input text into object keys asks here.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const isPrototypeKey = (name: string): boolean => PROTOTYPE_KEYS.has(name);

/** True when `key` is the object's own property, never one inherited from its prototype. */
export const hasOwn = (object: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(object, key);
