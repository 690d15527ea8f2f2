import { BoundedCache } from '../boundedCache';

/**
 * Memoises a compile step on its input's JSON: a node's settings rarely change between requests,
 * so parsing CIDRs and JSONPaths once per distinct configuration keeps them off the request path.
 */
export function memoizeByJson<Args extends unknown[], Result>(compile: (...args: Args) => Result, limit = 200): (...args: Args) => Result {
	const cache = new BoundedCache<string, Result>(limit);
	// Most requests repeat the previous configuration: answered without touching the cache's order.
	let lastKey: string | undefined;
	let lastResult: Result | undefined;
	return (...args) => {
		const key = JSON.stringify(args);
		if (key === lastKey) return lastResult as Result;
		let result = cache.get(key);
		if (result === undefined) {
			result = compile(...args);
			cache.set(key, result);
		}
		lastKey = key;
		lastResult = result;
		return result;
	};
}
