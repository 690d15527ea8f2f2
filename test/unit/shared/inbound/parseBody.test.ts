import { parseContentType } from '../../../../nodes/shared/inbound/contentType';
import { DEFAULT_PARSE_LIMITS, parseBody, resolveBodyKind } from '../../../../nodes/shared/inbound/parseBody';

const type = (header?: string) => parseContentType(header);
const parse = (bytes: Buffer | string, header: string, kind = resolveBodyKind(type(header), 'auto', bytes.length)) => {
	if (typeof kind !== 'string') throw new Error('unexpected rejection');
	return parseBody(Buffer.from(bytes), kind, type(header), DEFAULT_PARSE_LIMITS);
};

describe('resolveBodyKind', () => {
	it('uses the override whatever the Content-Type says', () => {
		expect(resolveBodyKind(type('text/plain'), 'json', 10)).toBe('json');
		expect(resolveBodyKind(type('multipart/form-data'), 'binary', 10)).toBe('binary');
	});

	it('refuses unknown and missing types with 415 and a hint', () => {
		expect(resolveBodyKind(type('multipart/form-data; boundary=x'), 'auto', 10)).toMatchObject({
			status: 415,
			code: 'unsupported_media_type',
			message: expect.stringContaining("set the node's Body Type"),
		});
		expect(resolveBodyKind(type(undefined), 'auto', 10)).toMatchObject({ status: 415 });
	});

	it('needs no type for an empty body', () => {
		expect(resolveBodyKind(type(undefined), 'auto', 0)).toBe('json');
	});
});

describe('parseBody', () => {
	it('parses each kind', () => {
		expect(parse('{"a":1}', 'application/json')).toEqual({ value: { a: 1 } });
		expect(parse('<a>1</a>', 'application/xml')).toEqual({ value: { a: '1' } });
		expect(parse('a=1', 'application/x-www-form-urlencoded')).toEqual({ value: { a: '1' } });
		expect(parse('héllo', 'text/plain')).toEqual({ value: 'héllo' });
		const bytes = Buffer.from([1, 2, 255]);
		expect(parse(bytes, 'application/octet-stream')).toEqual({ value: bytes });
	});

	it('gives empty bodies an empty value of their kind', () => {
		expect(parse('', 'application/json')).toEqual({ value: {} });
		expect(parse('', 'text/plain')).toEqual({ value: '' });
		expect(parse('', 'application/octet-stream')).toEqual({ value: Buffer.alloc(0) });
	});

	it.each(['application/json', 'application/xml', 'text/plain', 'application/x-www-form-urlencoded'])(
		'refuses invalid UTF-8 in %s with 400',
		(header) => {
			expect(parse(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), header)).toMatchObject({
				status: 400,
				message: 'Body is not valid UTF-8; send its charset in Content-Type (for example charset=ISO-8859-1)',
			});
		},
	);

	it('limits XML elements as the limits say', () => {
		const limits = { ...DEFAULT_PARSE_LIMITS, maxXmlElements: 3 };
		const xml = (count: number) => Buffer.from(`<r>${'<a/>'.repeat(count - 1)}</r>`);
		expect(parseBody(xml(3), 'xml', type('application/xml'), limits)).toEqual({ value: { r: { a: ['', ''] } } });
		expect(parseBody(xml(4), 'xml', type('application/xml'), limits)).toMatchObject({
			status: 413,
			code: 'xml_too_many_elements',
			message: "XML has more than 3 elements; raise the trigger's Max XML Elements option or send smaller batches",
		});
		expect(DEFAULT_PARSE_LIMITS.maxXmlElements).toBe(100_000);
	});

	it('decodes Latin-1 when the charset says so', () => {
		expect(parse(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'text/plain; charset=ISO-8859-1')).toEqual({ value: 'café' });
	});

	it('reads JSON, XML and form bodies that are valid UTF-8 as UTF-8 even when they say Latin-1 (the charset is not signed)', () => {
		expect(parse('{"id":"évt_1"}', 'application/json; charset=latin1')).toEqual({ value: { id: 'évt_1' } });
		expect(parse('<e><id>évt_1</id></e>', 'application/xml; charset=iso-8859-1')).toEqual({ value: { e: { id: 'évt_1' } } });
		expect(parse('id=évt_1', 'application/x-www-form-urlencoded; charset=latin1')).toEqual({ value: { id: 'évt_1' } });
		expect(parse(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]), 'application/json; charset=latin1')).toEqual({
			value: { a: 'é' },
		});
		expect(parse('évt', 'text/plain; charset=latin1')).toEqual({ value: Buffer.from('évt').toString('latin1') });
	});

	it('reads Latin-1 as windows-1252, as browsers do: 0x80–0x9F are € “ ” …, not control characters', () => {
		const quoted = Buffer.concat([Buffer.from([0x93]), Buffer.from('Price'), Buffer.from([0x94, 0x3a, 0x20, 0x80]), Buffer.from('5')]);
		for (const charset of ['windows-1252', 'iso-8859-1', 'latin1']) {
			expect(parse(quoted, `text/plain; charset=${charset}`)).toEqual({ value: '“Price”: €5' });
		}
		const json = Buffer.concat([Buffer.from('{"price":"'), Buffer.from([0x80]), Buffer.from('5"}')]);
		expect(parse(json, 'application/json; charset=windows-1252')).toEqual({ value: { price: '€5' } });
	});

	it('reads the percent-escapes of a form that says Latin-1 as Latin-1, and UTF-8 ones as UTF-8', () => {
		const form = 'application/x-www-form-urlencoded; charset=ISO-8859-1';
		expect(parse('name=Ren%E9e+%80&city=K%C3%B6ln', form)).toEqual({ value: { name: 'Renée €', city: 'Köln' } });
		expect(parse('name=Ren%C3%A9e', 'application/x-www-form-urlencoded')).toEqual({ value: { name: 'Renée' } });
		// Whatever the (unsigned) charset says: a resend under another one reads the same event id.
		for (const header of ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'text/plain']) {
			expect(parse('id=evt-%E9', header, 'form')).toEqual({ value: { id: 'evt-é' } });
		}
	});

	it('reads an XML body in the encoding its declaration names when Content-Type has no charset', () => {
		const latin1 = Buffer.concat([
			Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><c><name>Ren'),
			Buffer.from([0xe9]),
			Buffer.from('e</name></c>'),
		]);
		expect(parse(latin1, 'text/xml')).toEqual({ value: { c: { name: 'Renée' } } });
		// The header's charset wins over the declaration.
		expect(parse(latin1, 'text/xml; charset=utf-8')).toMatchObject({ status: 400 });
		// Another declared encoding is read as UTF-8, as before: such bodies are mostly ASCII.
		expect(parse("<?xml version='1.0' encoding='ISO-8859-15'?><c>x</c>", 'application/xml')).toEqual({ value: { c: 'x' } });
		expect(parse("<?xml version='1.0' encoding='UTF-16'?><c/>", 'application/xml')).toEqual({ value: { c: '' } });
		expect(parse('\ufeff<?xml version="1.0" encoding="utf-8"?><c>é</c>', 'application/xml')).toEqual({ value: { c: 'é' } });
	});

	it('refuses charsets it does not decode with 415', () => {
		expect(parse('x', 'text/plain; charset=shift_jis')).toMatchObject({ status: 415 });
	});
});
