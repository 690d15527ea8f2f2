import { BoundedCache } from '../boundedCache';

/**
 * Memoises a compile step on its input's JSON: a node's settings rarely change between requests,
 * so parsing CIDRs and JSONPaths once per distinct configuration keeps them off the request path.
 */
export function memoizeByJson<Args extends unknown[], Result>(compile: (...args: Args) => Result, limit = 200): (...args: Args) => Result {
	// Each entry keeps a private copy of its arguments (parsed from the key), which a caller changing its objects cannot touch.
	const cache = new BoundedCache<string, { copy: unknown; result: Result }>(limit);
	// Most requests repeat the previous configuration: it is recognised by walking it against that
	// entry's copy (JSON.stringify of the settings cost more than the rest of the lookup) and answered
	// without touching the cache's order.
	let last: { copy: unknown; result: Result } | undefined;
	return (...args) => {
		if (last !== undefined && sameJson(args, last.copy)) return last.result;
		const key = JSON.stringify(args);
		let entry = cache.get(key);
		if (entry === undefined) {
			entry = { copy: JSON.parse(key) as unknown, result: compile(...args) };
			cache.set(key, entry);
		}
		last = entry;
		return entry.result;
	};
}

/**
 * True only when `value` serialises to the same JSON as `copy`, itself parsed from JSON: the same keys
 * in the same order, members that JSON.stringify leaves out (undefined) skipped. Anything that is not
 * plain data (a Date, a class instance, a function, NaN) counts as different: the caller then compares
 * the JSON itself.
 */
export function sameJson(value: unknown, copy: unknown): boolean {
	if (typeof value !== 'object' || value === null) return value === copy && (typeof value !== 'number' || Number.isFinite(value));
	if (typeof copy !== 'object' || copy === null) return false;
	if (Array.isArray(value)) {
		if (!Array.isArray(copy) || value.length !== copy.length) return false;
		for (let index = 0; index < value.length; index++) if (!sameJson(value[index], copy[index])) return false;
		return true;
	}
	const prototype = Object.getPrototypeOf(value) as unknown;
	if (Array.isArray(copy) || (prototype !== Object.prototype && prototype !== null)) return false;
	const keys = Object.keys(copy);
	let matched = 0;
	for (const key of Object.keys(value)) {
		const member = (value as Record<string, unknown>)[key];
		if (member === undefined) continue;
		if (keys[matched] !== key || !sameJson(member, (copy as Record<string, unknown>)[key])) return false;
		matched++;
	}
	return matched === keys.length;
}
