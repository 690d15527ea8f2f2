import { beyondSafeInteger, exactDigits, exactJson, unsafeIntegersAsStrings } from '../../../../nodes/shared/inbound/exactIntegers';

describe('unsafeIntegersAsStrings', () => {
	it('writes an integer beyond 2^53 as a string of its digits, negative ones too', () => {
		expect(unsafeIntegersAsStrings('{"id":1234567890123456789,"amount":1}')).toBe('{"id":"1234567890123456789","amount":1}');
		expect(unsafeIntegersAsStrings('[-9007199254740993, 9007199254740993]')).toBe('["-9007199254740993", "9007199254740993"]');
	});

	it('leaves safe integers, fractions and exponents as they are', () => {
		const text = '{"a":9007199254740991,"b":-9007199254740991,"c":12345678901234567.5,"d":1234567890123456789e2,"e":1E300,"f":0}';
		expect(unsafeIntegersAsStrings(text)).toBe(text);
	});

	it('never touches digits inside string literals, escaped quotes and backslashes included', () => {
		const text = String.raw`{"note":"1234567890123456789","q":"say \"1234567890123456789\"","b":"\\","k\"1234567890123456789":true}`;
		expect(unsafeIntegersAsStrings(text)).toBe(text);
		// A number right after a string ending in an escaped backslash is outside the string.
		expect(unsafeIntegersAsStrings(String.raw`["\\",1234567890123456789]`)).toBe(String.raw`["\\","1234567890123456789"]`);
	});

	it('reaches nested objects and arrays, keeping the shape', () => {
		const text = '{"event":{"ids":[1234567890123456789,{"id":1234567890123456790}],"n":null},"ok":true}';
		expect(JSON.parse(unsafeIntegersAsStrings(text))).toEqual({
			event: { ids: ['1234567890123456789', { id: '1234567890123456790' }], n: null },
			ok: true,
		});
	});
});

describe('exactJson', () => {
	it('parses UTF-8 JSON, with or without a byte order mark, with unsafe integers as digits', () => {
		expect(exactJson(Buffer.from('\ufeff{"id":1234567890123456789,"name":"Zoë"}'))).toEqual({ id: '1234567890123456789', name: 'Zoë' });
	});

	it('is undefined for text that is not JSON', () => {
		expect(exactJson(Buffer.from('<id>1234567890123456789</id>'))).toBeUndefined();
	});
});

describe('exactDigits', () => {
	const rounded = Number('1234567890123456789');

	it('gives the digits sent when they are the rounded number’s', () => {
		expect(exactDigits(rounded, '1234567890123456789')).toBe('1234567890123456789');
		expect(exactDigits(-rounded, '-1234567890123456789')).toBe('-1234567890123456789');
	});

	it('falls back to the rounded number’s text for anything else', () => {
		expect(exactDigits(rounded, undefined)).toBe('1234567890123456800');
		expect(exactDigits(rounded, rounded)).toBe('1234567890123456800');
		expect(exactDigits(rounded, '9234567890123456789')).toBe('1234567890123456800');
		expect(exactDigits(rounded, 'evt_1234567890123456789')).toBe('1234567890123456800');
	});
});

describe('beyondSafeInteger', () => {
	it('is true only for integers a double cannot hold exactly', () => {
		expect([2 ** 53, -(2 ** 53), 1e300].every(beyondSafeInteger)).toBe(true);
		expect([2 ** 53 - 1, 42, 1.5, NaN, Infinity, '1234567890123456789'].some(beyondSafeInteger)).toBe(false);
	});
});
