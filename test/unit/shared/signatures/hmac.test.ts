import { createHmac } from 'node:crypto';

import type { HmacScheme } from '../../../../nodes/shared/signatures/hmac';
import { DEFAULT_HMAC_SCHEME } from '../../../../nodes/shared/signatures/defaults';
import { previousSignatureHeader, signHmac, verifyHmac } from '../../../../nodes/shared/signatures/hmac';

const body = Buffer.from('{"id":"evt_1","event":"opportunity.won","data":{"amount":1200}}');
const secret = 'salesos-signing-secret';
const now = 1_700_000_000;
const options = { toleranceSeconds: 300, nowSeconds: now };

describe('HMAC signatures', () => {
	it('signs the raw body as SalesOS does: hex HMAC-SHA256 in X-Webhook-Signature', () => {
		const expected = createHmac('sha256', secret).update(body).digest('hex');
		expect(signHmac(DEFAULT_HMAC_SCHEME, secret, body, now)).toEqual({ 'X-Webhook-Signature': expected });
	});

	it.each<[string, Partial<HmacScheme>]>([
		['sha1 hex', { algorithm: 'sha1' }],
		['sha512 base64', { algorithm: 'sha512', encoding: 'base64' }],
		['GitHub-style prefix', { headerName: 'X-Hub-Signature-256', prefix: 'sha256=' }],
		['timestamp.body', { signedContent: 'timestampDotBody' }],
		['timestamp+body with a hex key (Close)', { signedContent: 'timestampBody', keyEncoding: 'hex' }],
	])('round-trips %s', (_label, overrides) => {
		const scheme = { ...DEFAULT_HMAC_SCHEME, ...overrides };
		const headers = lowerCase(signHmac(scheme, secret, body, now));
		expect(verifyHmac(scheme, [secret], headers, body, options)).toMatchObject({ valid: true, secretIndex: 0 });
	});

	it('matches an independently computed GitHub signature', () => {
		const scheme = { ...DEFAULT_HMAC_SCHEME, headerName: 'X-Hub-Signature-256', prefix: 'sha256=' };
		const header = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex').toUpperCase();
		expect(verifyHmac(scheme, [secret], { 'x-hub-signature-256': header }, body, options).valid).toBe(true);
	});

	it('rejects a tampered body, a wrong secret and a missing header', () => {
		const headers = lowerCase(signHmac(DEFAULT_HMAC_SCHEME, secret, body, now));
		const tampered = Buffer.from(body.toString().replace('1200', '1201'));
		expect(verifyHmac(DEFAULT_HMAC_SCHEME, [secret], headers, tampered, options)).toMatchObject({ reason: 'mismatch' });
		expect(verifyHmac(DEFAULT_HMAC_SCHEME, ['other'], headers, body, options)).toMatchObject({ reason: 'mismatch' });
		expect(verifyHmac(DEFAULT_HMAC_SCHEME, [secret], {}, body, options)).toMatchObject({ reason: 'missing' });
	});

	it('accepts the previous secret during a rotation', () => {
		const headers = lowerCase(signHmac(DEFAULT_HMAC_SCHEME, 'old-secret', body, now));
		expect(verifyHmac(DEFAULT_HMAC_SCHEME, ['new-secret', 'old-secret'], headers, body, options)).toMatchObject({
			valid: true,
			secretIndex: 1,
		});
	});

	it('accepts a rotating sender whose previous secret signed in the -Previous header, for a receiver holding either secret', () => {
		const scheme: HmacScheme = { ...DEFAULT_HMAC_SCHEME, prefix: 'sha256=' };
		const sign = (key: string) => 'sha256=' + createHmac('sha256', key).update(body).digest('hex');
		const headers = { 'x-webhook-signature': sign('new-secret'), 'x-webhook-signature-previous': sign('old-secret') };
		expect(previousSignatureHeader('X-Webhook-Signature').toLowerCase()).toBe('x-webhook-signature-previous');
		expect(verifyHmac(scheme, ['old-secret'], headers, body, options)).toMatchObject({ valid: true, secretIndex: 0 });
		expect(verifyHmac(scheme, ['new-secret'], headers, body, options)).toMatchObject({ valid: true, secretIndex: 0 });
		expect(verifyHmac(scheme, ['other'], headers, body, options)).toMatchObject({ reason: 'mismatch' });
		// The -Previous header signs the same content: it cannot vouch for a changed body.
		expect(verifyHmac(scheme, ['old-secret'], headers, Buffer.from('{}'), options)).toMatchObject({ reason: 'mismatch' });
	});

	it('refuses a -Previous header sent twice, and ignores one whose digest lacks the prefix', () => {
		const scheme: HmacScheme = { ...DEFAULT_HMAC_SCHEME, prefix: 'sha256=' };
		const previous = 'sha256=' + createHmac('sha256', 'old-secret').update(body).digest('hex');
		const current = 'sha256=' + createHmac('sha256', 'new-secret').update(body).digest('hex');
		const twice = { 'x-webhook-signature': current, 'x-webhook-signature-previous': [previous, previous] };
		expect(verifyHmac(scheme, ['old-secret'], twice, body, options)).toMatchObject({ reason: 'malformed' });
		const unprefixed = { 'x-webhook-signature': current, 'x-webhook-signature-previous': previous.slice('sha256='.length) };
		expect(verifyHmac(scheme, ['old-secret'], unprefixed, body, options)).toMatchObject({ reason: 'mismatch' });
	});

	it('refuses an old timestamp when the timestamp is signed', () => {
		const scheme: HmacScheme = { ...DEFAULT_HMAC_SCHEME, signedContent: 'timestampDotBody' };
		const headers = lowerCase(signHmac(scheme, secret, body, now - 301));
		expect(verifyHmac(scheme, [secret], headers, body, options)).toMatchObject({ reason: 'expired' });
	});

	it('verifies a timestamp sent in milliseconds or with a leading zero over its text as sent, and still refuses a tampered body', () => {
		const scheme: HmacScheme = { ...DEFAULT_HMAC_SCHEME, signedContent: 'timestampDotBody' };
		for (const timestamp of [String(now * 1000), `0${now}`]) {
			const signature = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
			const headers = { 'x-webhook-signature': signature, 'x-webhook-timestamp': timestamp };
			expect(verifyHmac(scheme, [secret], headers, body, options)).toMatchObject({ valid: true, timestampSeconds: now });
			expect(verifyHmac(scheme, [secret], headers, Buffer.from('{}'), options)).toMatchObject({ reason: 'mismatch' });
		}
	});

	it('signs timestamp+body with no separator under the hex-decoded key, as Close does', () => {
		const scheme: HmacScheme = { ...DEFAULT_HMAC_SCHEME, signedContent: 'timestampBody', keyEncoding: 'hex' };
		const hexSecret = 'a1b2c3d4'.repeat(8);
		const expected = createHmac('sha256', Buffer.from(hexSecret, 'hex')).update(`${now}`).update(body).digest('hex');
		expect(signHmac(scheme, hexSecret, body, now)).toEqual({ 'X-Webhook-Signature': expected, 'X-Webhook-Timestamp': String(now) });
	});

	it('refuses a header without the configured prefix and a duplicated header', () => {
		const scheme = { ...DEFAULT_HMAC_SCHEME, prefix: 'sha256=' };
		const digest = createHmac('sha256', secret).update(body).digest('hex');
		expect(verifyHmac(scheme, [secret], { 'x-webhook-signature': digest }, body, options)).toMatchObject({
			reason: 'malformed',
		});
		const duplicated = { 'x-webhook-signature': [`sha256=${digest}`, `sha256=${digest}`] };
		expect(verifyHmac(scheme, [secret], duplicated, body, options)).toMatchObject({ reason: 'malformed' });
	});
});

function lowerCase(headers: Record<string, string>) {
	return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
