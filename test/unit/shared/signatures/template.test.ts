import { createHmac } from 'node:crypto';

import type { SignatureTemplate, TemplateRequest } from '../../../../nodes/shared/signatures/template';
import { templateProblems, verifyTemplate } from '../../../../nodes/shared/signatures/template';

const now = 1_700_000_000;
const options = { toleranceSeconds: 300, nowSeconds: now };
const body = Buffer.from('{"id":"evt_1","amount":1200}');
const secret = 'template-secret';

const template = (overrides: Partial<SignatureTemplate> = {}): SignatureTemplate => ({
	headerName: 'X-Signature',
	parts: [{ kind: 'body' }],
	separator: '',
	keyEncoding: 'utf8',
	algorithm: 'sha256',
	encoding: 'hex',
	prefix: '',
	...overrides,
});
const request = (headers: Record<string, string>, rawBody = body): TemplateRequest => ({
	method: 'POST',
	url: () => 'https://hooks.example.com/webhook/orders?shop=1',
	headers,
	rawBody,
});

describe('signature templates', () => {
	it('verifies method, URL, timestamp and body joined by the separator, with a prefix', () => {
		const signed = template({
			parts: [{ kind: 'method' }, { kind: 'url' }, { kind: 'timestamp', headerName: 'X-Time' }, { kind: 'body' }],
			separator: '\n',
			prefix: 'v1=',
		});
		const content = `POST\nhttps://hooks.example.com/webhook/orders?shop=1\n${now}\n${body.toString()}`;
		const digest = createHmac('sha256', secret).update(content).digest('hex');
		const headers = { 'x-signature': `v1=${digest}`, 'x-time': String(now) };
		expect(verifyTemplate(signed, [secret], request(headers), options)).toEqual({
			valid: true,
			scheme: 'template-hmac-sha256',
			secretIndex: 0,
			timestampSeconds: now,
		});
		expect(verifyTemplate(signed, [secret], request({ ...headers, 'x-time': String(now + 1) }), options)).toMatchObject({
			reason: 'mismatch',
		});
	});

	it.each([
		['hex', Buffer.from('00ff10aa', 'hex'), '00ff10aa'],
		['base64', Buffer.from('base64 key bytes'), Buffer.from('base64 key bytes').toString('base64')],
		['whsec', Buffer.from('standard key bytes'), `whsec_${Buffer.from('standard key bytes').toString('base64')}`],
	] as const)('decodes a %s secret into the key bytes', (keyEncoding, key, text) => {
		const digest = createHmac('sha512', key).update(body).digest('base64');
		const signed = template({ keyEncoding, algorithm: 'sha512', encoding: 'base64' });
		expect(verifyTemplate(signed, [text], request({ 'x-signature': digest }), options).valid).toBe(true);
		// The same text as a UTF-8 key is another key.
		expect(verifyTemplate({ ...signed, keyEncoding: 'utf8' }, [text], request({ 'x-signature': digest }), options).valid).toBe(false);
	});

	it('compares hex case-insensitively, and reports which active secret matched', () => {
		const digest = createHmac('sha1', 'previous').update(body).digest('hex').toUpperCase();
		const verified = verifyTemplate(template({ algorithm: 'sha1' }), [secret, 'previous'], request({ 'x-signature': digest }), options);
		expect(verified).toMatchObject({ valid: true, secretIndex: 1 });
	});

	it('refuses a missing, doubled or unprefixed signature header', () => {
		expect(verifyTemplate(template(), [secret], request({}), options)).toMatchObject({ reason: 'missing' });
		const digest = createHmac('sha256', secret).update(body).digest('hex');
		const doubled = { 'x-signature': [digest, digest] } as unknown as Record<string, string>;
		expect(verifyTemplate(template(), [secret], request(doubled), options)).toMatchObject({ reason: 'malformed' });
		expect(verifyTemplate(template({ prefix: 'sha256=' }), [secret], request({ 'x-signature': digest }), options)).toMatchObject({
			reason: 'malformed',
		});
	});

	it('refuses a body the signature does not cover: form parameters signed, but a JSON body sent', () => {
		const signed = template({ parts: [{ kind: 'url' }, { kind: 'formParams' }] });
		const digest = createHmac('sha256', secret).update('https://hooks.example.com/webhook/orders?shop=1').digest('hex');
		const json = request({ 'x-signature': digest, 'content-type': 'application/json' });
		expect(verifyTemplate(signed, [secret], json, options)).toMatchObject({ reason: 'missing' });
		// An empty body needs no cover.
		const empty = request({ 'x-signature': digest, 'content-type': 'application/json' }, Buffer.alloc(0));
		expect(verifyTemplate(signed, [secret], empty, options).valid).toBe(true);
	});
});

describe('template problems', () => {
	it('names bad header names, an empty part list, two timestamps and a secret that is not base64', () => {
		expect(templateProblems(template())).toEqual([]);
		expect(
			templateProblems(
				template({
					headerName: 'X Signature',
					parts: [
						{ kind: 'timestamp', headerName: 'X-Time' },
						{ kind: 'timestamp', headerName: 'bad header' },
					],
				}),
			),
		).toEqual([
			'Signature Header "X Signature" is not a valid header name',
			'Signed Parts: "bad header" is not a valid header name',
			'Signed Parts: only one part can be the timestamp',
		]);
		expect(templateProblems(template({ parts: [] }))).toEqual(['Signed Parts is empty: add at least the raw body']);
		expect(templateProblems(template({ keyEncoding: 'whsec' }), ['whsec_c2VjcmV0', 'not base64!'])).toEqual([
			'Key Encoding is whsec_ and base64, but a secret of the credential is not',
		]);
		expect(templateProblems(template({ keyEncoding: 'base64' }), ['c2VjcmV0'])).toEqual([]);
	});
});
