import { memoizeByJson } from '../../../../nodes/shared/inbound/memo';

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
});
