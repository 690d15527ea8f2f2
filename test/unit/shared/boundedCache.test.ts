import { BoundedCache, rememberFirst } from '../../../nodes/shared/boundedCache';

describe('BoundedCache', () => {
	it('keeps at most its capacity, dropping the least recently used entry', () => {
		const cache = new BoundedCache<string, number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.get('a')).toBe(1); // a is now more recent than b
		expect(cache.set('c', 3)).toEqual([['b', 2]]);
		expect(cache.size).toBe(2);
		expect(cache.has('b')).toBe(false);
		expect(cache.get('a')).toBe(1);
		expect(cache.get('c')).toBe(3);
	});

	it('treats setting a key again as a use, not a new entry', () => {
		const cache = new BoundedCache<string, number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.set('a', 10)).toEqual([]);
		cache.set('c', 3);
		expect([...cache.values()]).toEqual([10, 3]);
	});

	it('tells a stored undefined apart from a missing key', () => {
		const cache = new BoundedCache<string, number | undefined>(2);
		cache.set('empty', undefined);
		expect(cache.has('empty')).toBe(true);
		expect(cache.get('missing')).toBeUndefined();
		expect(cache.has('missing')).toBe(false);
	});

	it('creates a missing value once, and caches nothing when creating it throws', () => {
		const cache = new BoundedCache<string, { key: string }>(4);
		const create = jest.fn((key: string) => {
			if (key === 'bad') throw new Error('cannot build bad');
			return { key };
		});
		const first = cache.getOrCreate('x', create);
		expect(cache.getOrCreate('x', create)).toBe(first);
		expect(() => cache.getOrCreate('bad', create)).toThrow('cannot build bad');
		expect(cache.has('bad')).toBe(false);
		expect(create).toHaveBeenCalledTimes(2);
	});

	it('answers repeated hits on the newest entry, and forgets it once deleted or cleared', () => {
		const cache = new BoundedCache<string, number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.get('b')).toBe(2);
		expect(cache.get('b')).toBe(2);
		cache.set('c', 3);
		expect([...cache.values()]).toEqual([2, 3]);
		cache.delete('c');
		expect(cache.get('c')).toBeUndefined();
		cache.set('c', 4);
		cache.clear();
		expect(cache.get('c')).toBeUndefined();
	});

	it('deletes and clears', () => {
		const cache = new BoundedCache<number, string>(3);
		cache.set(1, 'one');
		cache.set(2, 'two');
		expect(cache.delete(1)).toBe(true);
		expect(cache.delete(1)).toBe(false);
		cache.clear();
		expect(cache.size).toBe(0);
	});

	it('refuses a capacity that could hold nothing', () => {
		expect(() => new BoundedCache(0)).toThrow('A cache needs a capacity of 1 or more, not 0');
		expect(() => new BoundedCache(1.5)).toThrow(RangeError);
	});
});

describe('rememberFirst', () => {
	it('computes each of its first inputs once, and the rest every time without remembering them', () => {
		const computed: string[] = [];
		const upper = rememberFirst((key) => {
			computed.push(key);
			return key.toUpperCase();
		}, 2);
		expect([upper('a'), upper('b'), upper('a'), upper('b')]).toEqual(['A', 'B', 'A', 'B']);
		expect([upper('c'), upper('c')]).toEqual(['C', 'C']);
		expect(computed).toEqual(['a', 'b', 'c', 'c']);
	});
});
