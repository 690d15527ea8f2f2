import { parseStringPromise } from 'xml2js';

import { CONTENT_TYPES, encodeValue, flattenForm } from '../../../../nodes/shared/outbound/encoders';
import { buildXml, escapeXml, safeXmlName, validateXmlRootName } from '../../../../nodes/shared/outbound/xml';

const options = { xmlRootElement: 'payload', formNotation: 'dot' as const };
const text = (value: unknown, encoding: Parameters<typeof encodeValue>[1], extra = {}) =>
	encodeValue(value, encoding, { ...options, ...extra }).body.toString('utf8');

describe('JSON encoders', () => {
	it('encodes JSON and sets the content type', () => {
		const encoded = encodeValue({ a: 'é"<' }, 'json', options);
		expect(encoded.contentType).toBe('application/json; charset=utf-8');
		expect(JSON.parse(encoded.body.toString('utf8'))).toEqual({ a: 'é"<' });
	});

	it('wraps a single value in an array for JSON Array', () => {
		expect(text({ a: 1 }, 'jsonArray')).toBe('[{"a":1}]');
		expect(text([{ a: 1 }, { b: 2 }], 'jsonArray')).toBe('[{"a":1},{"b":2}]');
	});

	it('sends text as is and anything else as JSON for text/plain', () => {
		expect(text('hello "world"', 'text')).toBe('hello "world"');
		expect(text({ a: 1 }, 'text')).toBe('{"a":1}');
		expect(CONTENT_TYPES.text).toBe('text/plain; charset=utf-8');
	});
});

describe('form encoding', () => {
	const nested = { deal: { amount: 10, tags: ['a', 'b'] }, name: 'A & B', empty: {}, none: null };

	it('flattens nested values with dots', () => {
		expect(flattenForm(nested, 'dot')).toEqual([
			['deal.amount', '10'],
			['deal.tags.0', 'a'],
			['deal.tags.1', 'b'],
			['name', 'A & B'],
			['none', ''],
		]);
	});

	it('flattens nested values with brackets', () => {
		expect(flattenForm(nested, 'bracket').map(([key]) => key)).toEqual(['deal[amount]', 'deal[tags][0]', 'deal[tags][1]', 'name', 'none']);
	});

	it('percent-encodes names and values as application/x-www-form-urlencoded', () => {
		expect(text({ 'a b': 'x&y=z', c: 'é' }, 'form')).toBe('a+b=x%26y%3Dz&c=%C3%A9');
		expect(text({ deal: { id: 1 } }, 'form', { formNotation: 'bracket' })).toBe('deal%5Bid%5D=1');
		expect(encodeValue({}, 'form', options).contentType).toBe('application/x-www-form-urlencoded');
	});

	it('refuses a single value that has no field name', () => {
		expect(() => flattenForm('just text', 'dot')).toThrow(/needs named fields/);
	});
});

describe('XML', () => {
	it('builds a document with the configured root and escapes values', async () => {
		const xml = buildXml({ contact: { email: 'a@b.c', note: '<b>&"\'</b>' }, tags: ['x', 'y'] }, 'payload');
		expect(xml).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><payload><contact><email>a@b.c</email><note>&lt;b&gt;&amp;"\'&lt;/b&gt;</note></contact><tags>x</tags><tags>y</tags></payload>',
		);
		expect(await parseStringPromise(xml, { explicitArray: false })).toEqual({
			payload: { contact: { email: 'a@b.c', note: '<b>&"\'</b>' }, tags: ['x', 'y'] },
		});
	});

	it('writes a "__proto__" key of the item as an element like any other', () => {
		const item = JSON.parse('{"a":1,"__proto__":{"b":2}}') as Record<string, unknown>;
		expect(buildXml(item, 'r')).toBe('<?xml version="1.0" encoding="UTF-8"?><r><a>1</a><__proto__><b>2</b></__proto__></r>');
	});

	it('keeps "root" as the root even when the content has a single key (an xml2js quirk)', () => {
		expect(buildXml({ deal: { id: 1 } }, 'root')).toContain('<root><deal><id>1</id></deal></root>');
	});

	it('turns any key into a safe element name and never lets keys become attributes or text', () => {
		const xml = buildXml({ '2fa': 1, 'e mail': 2, 'xmlns:x': 3, $: 4, _: 5, '@@attributes': { id: 6 }, '': 7 }, 'r');
		expect(xml).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><r><_2fa>1</_2fa><e_mail>2</e_mail><_xmlns_x>3</_xmlns_x><_>4</_><__2>5</__2>' +
				'<__attributes><id>6</id></__attributes><__3>7</__3></r>',
		);
	});

	it('keeps two keys that sanitise to the same name', () => {
		expect(buildXml({ 'a b': 1, a_b: 2 }, 'r')).toContain('<a_b>1</a_b><a_b_2>2</a_b_2>');
	});

	it('replaces characters XML 1.0 cannot carry, and nests arrays of arrays', () => {
		expect(buildXml({ v: 'a\u0001b\uFFFEc' }, 'r')).toContain('<v>a\uFFFDb\uFFFDc</v>');
		expect(buildXml({ m: [[1, 2]], n: null, d: new Date(0) }, 'r')).toContain(
			'<m><item>1</item><item>2</item></m><n/><d>1970-01-01T00:00:00.000Z</d>',
		);
	});

	it('validates the root element name', () => {
		expect(validateXmlRootName('payload')).toBe('payload');
		for (const bad of ['1x', 'a b', 'xmlRoot', '', 'a:b']) expect(() => validateXmlRootName(bad)).toThrow(/not a valid XML element name/);
	});

	it('names and escapes', () => {
		expect(safeXmlName('deal.amount')).toBe('deal.amount');
		expect(safeXmlName('-x')).toBe('_-x');
		expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
	});
});
