import type { TemplatePart } from '../../../../nodes/shared/signatures/templateContent';
import { signedContent, sortedFormParameters, urlVariants } from '../../../../nodes/shared/signatures/templateContent';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const now = 1_700_000_000;
const options = { toleranceSeconds: 300, nowSeconds: now };

describe('sorted form parameters', () => {
	it('puts each name before its decoded value, sorted by name, with nothing between', () => {
		expect(sortedFormParameters(FORM, Buffer.from('To=%2B1800&From=%2B1415&Body=hi+there'))).toBe('Bodyhi thereFrom+1415To+1800');
	});

	it('gives a repeated name once per distinct value, values sorted, as twilio-node does', () => {
		expect(sortedFormParameters(FORM, Buffer.from('b=2&a=z&a=y&a=z'))).toBe('aya' + 'zb2');
	});

	it('is empty for a body that is not a form, and refuses a form with too many fields', () => {
		expect(sortedFormParameters({ 'content-type': 'application/json' }, Buffer.from('{"a":1}'))).toBe('');
		expect(sortedFormParameters(FORM, Buffer.from('a=1&'.repeat(1001)))).toMatchObject({ valid: false, reason: 'malformed' });
	});
});

describe('URL variants', () => {
	it('tries a URL without a port also with the default port', () => {
		expect(urlVariants('https://example.com/hook?a=1')).toEqual(['https://example.com/hook?a=1', 'https://example.com:443/hook?a=1']);
		expect(urlVariants('http://example.com/hook')).toEqual(['http://example.com/hook', 'http://example.com:80/hook']);
	});

	it('tries a URL with a port also without it, and leaves other text alone', () => {
		expect(urlVariants('https://example.com:8443/hook')).toEqual(['https://example.com:8443/hook', 'https://example.com/hook']);
		expect(urlVariants('urn:example')).toEqual(['urn:example']);
	});
});

describe('signed content', () => {
	const request = (headers: Record<string, string | string[]>, body = '{"a":1}') => ({
		method: 'post',
		url: () => 'https://example.com/hook?x=1',
		headers,
		rawBody: Buffer.from(body),
	});

	it('joins the parts with the separator, the body as its exact bytes', () => {
		const parts: TemplatePart[] = [
			{ kind: 'text', text: 'v1' },
			{ kind: 'method' },
			{ kind: 'header', headerName: 'X-Id' },
			{ kind: 'timestamp', headerName: 'X-Time' },
			{ kind: 'body' },
		];
		const content = signedContent(parts, '|', request({ 'x-id': 'abc', 'x-time': String(now) }), options);
		expect(content).toEqual({ payloads: [Buffer.from(`v1|POST|abc|${now}|{"a":1}`)], timestampSeconds: now });
	});

	it('signs a millisecond timestamp as sent, and reads it as seconds', () => {
		const content = signedContent([{ kind: 'timestamp', headerName: 'X-Time' }], '', request({ 'x-time': `${now}123` }), options);
		expect(content).toEqual({ payloads: [Buffer.from(`${now}123`)], timestampSeconds: now });
	});

	it('gives one payload per URL variant, with nothing between the parts for an empty separator', () => {
		const content = signedContent([{ kind: 'url' }, { kind: 'formParams' }], '', request(FORM, 'b=2&a=1'), options);
		expect(content).toEqual({
			payloads: [Buffer.from('https://example.com/hook?x=1a1b2'), Buffer.from('https://example.com:443/hook?x=1a1b2')],
		});
	});

	it('says why when a part cannot be read', () => {
		const timestamp: TemplatePart[] = [{ kind: 'timestamp', headerName: 'X-Time' }];
		expect(signedContent(timestamp, '', request({}), options)).toMatchObject({ reason: 'missing' });
		expect(signedContent(timestamp, '', request({ 'x-time': 'soon' }), options)).toMatchObject({ reason: 'malformed' });
		expect(signedContent(timestamp, '', request({ 'x-time': String(now - 301) }), options)).toMatchObject({ reason: 'expired' });
		const header: TemplatePart[] = [{ kind: 'header', headerName: 'X-Id' }];
		expect(signedContent(header, '', request({ 'x-id': ['a', 'b'] }), options)).toMatchObject({ reason: 'malformed' });
		const noUrl = { ...request({}), url: () => undefined };
		expect(signedContent([{ kind: 'url' }], '', noUrl, options)).toMatchObject({ reason: 'malformed' });
	});
});
