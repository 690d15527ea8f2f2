import { hasOwn, isPrototypeKey, PROTOTYPE_KEYS } from '../../../nodes/shared/prototypeKeys';

describe('prototype keys', () => {
	it('names the three keys that reach or mimic an object prototype', () => {
		expect([...PROTOTYPE_KEYS].sort()).toEqual(['__proto__', 'constructor', 'prototype']);
		expect(isPrototypeKey('__proto__')).toBe(true);
		expect(isPrototypeKey('constructor')).toBe(true);
		expect(isPrototypeKey('prototype')).toBe(true);
	});

	it('lets ordinary names, and names that only contain a prototype key, through', () => {
		expect(isPrototypeKey('proto')).toBe(false);
		expect(isPrototypeKey('Constructor')).toBe(false);
		expect(isPrototypeKey('my__proto__')).toBe(false);
		expect(isPrototypeKey('')).toBe(false);
	});

	it('hasOwn sees own properties only, also on objects without a prototype', () => {
		expect(hasOwn({ id: 1 }, 'id')).toBe(true);
		expect(hasOwn({}, 'toString')).toBe(false);
		expect(hasOwn({}, 'constructor')).toBe(false);
		const bare = Object.create(null) as Record<string, unknown>;
		bare.id = 1;
		expect(hasOwn(bare, 'id')).toBe(true);
		expect(hasOwn(bare, 'other')).toBe(false);
		expect(hasOwn({ hasOwnProperty: () => true }, 'other')).toBe(false);
	});
});
