import { parseXml } from '../../../../nodes/shared/inbound/xml';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<foo>&xxe;</foo>`;

describe('XML', () => {
	it('parses like n8n: lower-case tags, no arrays for single children, attributes under $', () => {
		const xml = '<?xml version="1.0"?><Lead ID="7"><Name> Ada   Lovelace </Name><Tag>a</Tag><Tag>b</Tag></Lead>';
		expect(parseXml(xml, 100)).toEqual({
			value: { lead: { $: { ID: '7' }, name: 'Ada Lovelace', tag: ['a', 'b'] } },
		});
	});

	it.each([
		['billion laughs', BILLION_LAUGHS],
		['XXE', XXE],
		['a bare ENTITY', '<a><!ENTITY x "y"></a>'],
		['a lower-case doctype', '<!doctype html><a/>'],
	])('refuses %s before parsing', (_label, xml) => {
		expect(parseXml(xml, 100)).toMatchObject({
			status: 400,
			message: 'XML with a DOCTYPE or ENTITY declaration is refused',
		});
	});

	it('refuses an undeclared entity rather than expanding it', () => {
		expect(parseXml('<a>&xxe;</a>', 100)).toMatchObject({ status: 400, code: 'malformed_body' });
	});

	it.each([
		['an unclosed tag', '<a><b></a>'],
		['text after the root', '<a/>trailing'],
		['two roots', '<a/><b/>'],
		['not XML at all', 'hello'],
	])('refuses %s, and the shared parser keeps working afterwards', (_label, xml) => {
		const result = parseXml(xml, 100);
		expect(result).toMatchObject({ status: 400, code: 'malformed_body' });
		expect((result as { message: string }).message).not.toMatch(/Char:/);
		expect(parseXml('<ok>1</ok>', 100)).toEqual({ value: { ok: '1' } });
	});

	it('limits depth while parsing, and recovers', () => {
		const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
		expect(parseXml(deep, 1000)).toMatchObject({ status: 400, message: 'XML nests deeper than 1000 levels' });
		expect(parseXml('<a>'.repeat(50) + '</a>'.repeat(50), 50)).toHaveProperty('value');
		expect(parseXml('<ok>2</ok>', 1000)).toEqual({ value: { ok: '2' } });
	});

	it('lower-cases tag names unless asked to keep them as sent, and still renames object internals', () => {
		const xml = '<sf:Opportunity><sf:StageName>Closed Won</sf:StageName><Constructor>x</Constructor></sf:Opportunity>';
		expect(parseXml(xml, 10)).toEqual({ value: { 'sf:opportunity': { 'sf:stagename': 'Closed Won', sanitized_constructor: 'x' } } });
		expect(parseXml(xml, 10, 100, { keepTagCase: true })).toEqual({
			value: { 'sf:Opportunity': { 'sf:StageName': 'Closed Won', Constructor: 'x' } },
		});
		expect(parseXml('<r><__proto__>x</__proto__></r>', 10, 100, { keepTagCase: true })).toEqual({
			value: { r: { sanitized___proto__: 'x' } },
		});
	});

	it('renames tags that would collide with object internals', () => {
		expect(parseXml('<r><__proto__>x</__proto__></r>', 10)).toEqual({ value: { r: { sanitized___proto__: 'x' } } });
	});

	it('answers 413 past 100,000 elements by default, adds the caller’s advice, and takes a higher limit', () => {
		const xml = `<r>${'<a/>'.repeat(100_000)}</r>`;
		expect(parseXml(xml, 1000)).toMatchObject({
			status: 413,
			code: 'xml_too_many_elements',
			message: 'XML has more than 100,000 elements',
		});
		expect(parseXml(xml, 1000, 100_000, { limitAdvice: 'send fewer' })).toMatchObject({
			message: 'XML has more than 100,000 elements; send fewer',
		});
		expect(parseXml(xml, 1000, 100_001)).toHaveProperty('value.r.a.length', 100_000);
	});

	it('returns an empty object for a whitespace-only document', () => {
		expect(parseXml('   ', 10)).toEqual({ value: {} });
	});
});
