import { memoizeByJson, sameJson } from '../../../../nodes/shared/inbound/memo';

describe('memoizeByJson', () => {
	it('compiles once per distinct input value', () => {
		const compile = jest.fn((settings: { list: string }) => ({ parsed: settings.list.split(',') }));
		const cached = memoizeByJson(compile);
		const first = cached({ list: 'a,b' });
		expect(cached({ list: 'a,b' })).toBe(first);
		expect(cached({ list: 'a,c' })).not.toBe(first);
		expect(compile).toHaveBeenCalledTimes(2);
	});

	it('stays bounded', () => {
		const compile = jest.fn((value: number) => ({ value }));
		const cached = memoizeByJson(compile, 2);
		cached(1);
		cached(2);
		cached(3);
		cached(1);
		expect(compile).toHaveBeenCalledTimes(4);
	});

	it('does not cache a compile that throws', () => {
		let calls = 0;
		const cached = memoizeByJson((value: string) => {
			calls++;
			if (value === 'bad') throw new Error('bad setting');
			return value;
		});
		expect(() => cached('bad')).toThrow('bad setting');
		expect(() => cached('bad')).toThrow('bad setting');
		expect(calls).toBe(2);
	});

	it("notices a change made to the caller's object after it was cached", () => {
		const compile = jest.fn((settings: { list: string[] }) => settings.list.join('+'));
		const cached = memoizeByJson(compile);
		const settings = { list: ['a'] };
		expect(cached(settings)).toBe('a');
		settings.list.push('b');
		expect(cached(settings)).toBe('a+b');
		expect(compile).toHaveBeenCalledTimes(2);
	});
});

describe('sameJson', () => {
	const copyOf = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

	it.each([
		[{ a: 1, b: 'x', c: [true, null, { d: 2 }] }],
		[{ a: undefined, b: { c: undefined, d: 'e' } }],
		[[1, 'two', [3]]],
		['text'],
		[0],
	])('is true for a value and a copy of its JSON: %j', (value) => {
		expect(sameJson(value, copyOf(value))).toBe(true);
	});

	it.each([
		['another value', { a: 1 }, { a: 2 }],
		['keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }],
		['a missing key', { a: 1 }, { a: 1, b: 2 }],
		['an extra key', { a: 1, b: 2 }, { a: 1 }],
		['an array against an object', [1], { 0: 1 }],
		['a longer array', [1, 2], [1]],
		['a Date', { at: new Date(0) }, copyOf({ at: new Date(0) })],
		['NaN', { a: NaN }, copyOf({ a: NaN })],
		['undefined in an array', [undefined], [null]],
		['a function', { a: () => 1 }, {}],
	])('is false for %s', (_, value, copy) => {
		expect(sameJson(value, copy)).toBe(false);
	});
});
