import { getPath, parsePath, setPath } from '../../../../nodes/shared/outbound/paths';

const message = (fn: () => unknown) => {
	try {
		fn();
	} catch (error) {
		return (error as Error).message;
	}
	return 'no error';
};

describe('parsePath', () => {
	it.each([
		['deal.amount', ['deal', 'amount']],
		['items[0].name', ['items', 0, 'name']],
		['matrix[1][2]', ['matrix', 1, 2]],
		['a\\.b.c', ['a.b', 'c']],
		['contact', ['contact']],
	])('%s', (path, segments) => {
		expect(parsePath(path, 'Fields')).toEqual(segments);
	});

	it.each([
		['a..b', /empty part/],
		['.a', /empty part/],
		['a.', /empty part/],
		['[0]', /empty part/],
		['a[x]', /invalid index/],
		['a[0', /invalid index/],
		['a[0]b', /needs a dot/],
		['__proto__.polluted', /reserved name/],
		['a.constructor.prototype', /reserved name/],
	])('refuses %s', (path, error) => {
		expect(message(() => parsePath(path, 'Fields'))).toMatch(error);
	});
});

describe('setPath / getPath', () => {
	it('builds nested objects and arrays', () => {
		const target: Record<string, unknown> = {};
		setPath(target, ['deal', 'amount'], 10, 'Fields', 'deal.amount');
		setPath(target, ['deal', 'name'], 'X', 'Fields', 'deal.name');
		setPath(target, ['items', 1, 'id'], 7, 'Fields', 'items[1].id');
		expect(target).toEqual({ deal: { amount: 10, name: 'X' }, items: [undefined, { id: 7 }] });
	});

	it('refuses a name that is both a value and an object', () => {
		const target: Record<string, unknown> = {};
		setPath(target, ['deal'], 5, 'Fields', 'deal');
		expect(message(() => setPath(target, ['deal', 'amount'], 1, 'Fields', 'deal.amount'))).toMatch(/"deal.amount" conflicts/);
		const other: Record<string, unknown> = {};
		setPath(other, ['deal', 'amount'], 5, 'Fields', 'deal.amount');
		expect(message(() => setPath(other, ['deal'], 1, 'Fields', 'deal'))).toMatch(/conflicts/);
	});

	it('reads values, including array positions given as keys, and says when they are missing', () => {
		const data = { contact: { email: 'a@b.c', tags: ['x', 'y'] }, zero: 0 };
		expect(getPath(data, ['contact', 'email'])).toEqual({ found: true, value: 'a@b.c' });
		expect(getPath(data, ['contact', 'tags', '1'])).toEqual({ found: true, value: 'y' });
		expect(getPath(data, ['contact', 'tags', 1])).toEqual({ found: true, value: 'y' });
		expect(getPath(data, ['zero'])).toEqual({ found: true, value: 0 });
		expect(getPath(data, ['contact', 'phone'])).toEqual({ found: false, value: undefined });
		expect(getPath(data, ['contact', 'email', 'x'])).toEqual({ found: false, value: undefined });
		expect(getPath(data, ['toString'])).toEqual({ found: false, value: undefined });
	});
});
