import { parseForm } from '../../../../nodes/shared/inbound/form';

const parse = (text: string, maxFields = 1000) => parseForm(Buffer.from(text), text, maxFields);

describe('form-urlencoded', () => {
	it('parses fields, repeated names into arrays, and percent-encoding', () => {
		const result = parse('name=Ada+Lovelace&tag=a&tag=b&email=ada%40example.com');
		expect(result).toEqual({ value: { name: 'Ada Lovelace', tag: ['a', 'b'], email: 'ada@example.com' } });
		expect(Object.getPrototypeOf((result as { value: object }).value)).toBe(Object.prototype);
	});

	it('refuses more fields than allowed instead of dropping them', () => {
		expect(parse('a=1&b=2&c=3', 2)).toMatchObject({ status: 400, message: 'Form body has more than 2 fields' });
		expect(parse('a=1&b=2', 2)).toHaveProperty('value');
		// Empty pieces are no fields: querystring reads none from them.
		expect(parse('a=1&b=2&', 2)).toEqual({ value: { a: '1', b: '2' } });
		expect(parse('&a=1&&b=2', 2)).toEqual({ value: { a: '1', b: '2' } });
		expect(parse('a=1&&b=2&c', 2)).toMatchObject({ status: 400 });
	});

	it('keeps __proto__ as a plain field', () => {
		const { value } = parse('__proto__=x') as { value: Record<string, unknown> };
		expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe('x');
		expect(({} as Record<string, unknown>).x).toBeUndefined();
	});
});
