import {
	bodyWithoutSecret,
	outboundAuth,
	queryWithoutSecret,
	secretHeaderNames,
	signingFromCredential,
	signPreviousUntilProblem,
	signsWithPrevious,
	verifyInboundAuth,
} from '../../../nodes/shared/auth';
import { credentialProblems, signingSecretCannotSign } from '../../../nodes/shared/credentialProblems';
import { signRequest } from '../../../nodes/shared/signatures';
import { standardWebhooksKeyPair } from './signatures/ed25519Keys';

const options = { toleranceSeconds: 300 };
const request = (headers: Record<string, string | string[]>, query: Record<string, unknown> = {}, body = '{}') => ({
	headers,
	query,
	rawBody: Buffer.from(body),
});

describe('outbound authentication', () => {
	it('builds Basic, Bearer and API key headers or query values', () => {
		expect(outboundAuth('basicAuth', { user: 'crm', password: 'p@ss' }).headers).toEqual({
			Authorization: `Basic ${Buffer.from('crm:p@ss').toString('base64')}`,
		});
		expect(outboundAuth('bearerToken', { token: 'abc' }).headers).toEqual({ Authorization: 'Bearer abc' });
		expect(outboundAuth('apiKey', { location: 'header', name: 'X-API-Key', apiKey: 'k' })).toEqual({
			headers: { 'X-API-Key': 'k' },
			query: {},
		});
		expect(outboundAuth('apiKey', { location: 'query', name: 'api_key', apiKey: 'k' })).toEqual({
			headers: {},
			query: { api_key: 'k' },
		});
		expect(outboundAuth('none', {})).toEqual({ headers: {}, query: {} });
	});
});

describe('inbound authentication', () => {
	const basic = { user: 'vtiger', password: 's3cret' };
	const basicHeader = `Basic ${Buffer.from('vtiger:s3cret').toString('base64')}`;

	it('accepts the right Basic credentials and refuses wrong, missing or duplicated ones', () => {
		expect(verifyInboundAuth('basicAuth', basic, request({ authorization: basicHeader }), options)).toMatchObject({ valid: true });
		const wrong = `Basic ${Buffer.from('vtiger:guess').toString('base64')}`;
		expect(verifyInboundAuth('basicAuth', basic, request({ authorization: wrong }), options)).toMatchObject({ reason: 'mismatch' });
		expect(verifyInboundAuth('basicAuth', basic, request({}), options)).toMatchObject({ reason: 'missing' });
		expect(verifyInboundAuth('basicAuth', basic, request({ authorization: 'Basic ???' }), options)).toMatchObject({ reason: 'malformed' });
		expect(verifyInboundAuth('basicAuth', basic, request({ authorization: [basicHeader, wrong] }), options)).toMatchObject({
			reason: 'malformed',
		});
	});

	it('accepts the current and the previous Basic password during a rotation, for the same user only', () => {
		const rotating = { user: 'vtiger', password: 'new-pass', previousPassword: 's3cret' };
		const header = (pair: string) => request({ authorization: `Basic ${Buffer.from(pair).toString('base64')}` });
		expect(verifyInboundAuth('basicAuth', rotating, header('vtiger:new-pass'), options)).toMatchObject({ valid: true, secretIndex: 0 });
		expect(verifyInboundAuth('basicAuth', rotating, header('vtiger:s3cret'), options)).toMatchObject({ valid: true, secretIndex: 1 });
		expect(verifyInboundAuth('basicAuth', rotating, header('other:s3cret'), options)).toMatchObject({ reason: 'mismatch' });
		expect(verifyInboundAuth('basicAuth', { ...rotating, previousPassword: '' }, header('vtiger:s3cret'), options)).toMatchObject({
			reason: 'mismatch',
		});
	});

	it('accepts the current and the previous bearer token during a rotation', () => {
		const credential = { token: 'new-token', previousToken: 'old-token' };
		expect(verifyInboundAuth('bearerToken', credential, request({ authorization: 'Bearer new-token' }), options)).toMatchObject({
			valid: true,
			secretIndex: 0,
		});
		expect(verifyInboundAuth('bearerToken', credential, request({ authorization: 'Bearer old-token' }), options)).toMatchObject({
			valid: true,
			secretIndex: 1,
		});
		expect(verifyInboundAuth('bearerToken', { token: 'new-token' }, request({ authorization: 'Bearer ' }), options)).toMatchObject({
			valid: false,
		});
	});

	it('compares a token that looks like a Standard Webhooks key as it is', () => {
		const token = 'whsk_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';
		expect(verifyInboundAuth('bearerToken', { token }, request({ authorization: `Bearer ${token}` }), options)).toMatchObject({
			valid: true,
		});
	});

	it('reads an API key from the named header or query parameter', () => {
		const header = { location: 'header', name: 'X-LSQ-Secret', apiKey: 'k1', previousApiKey: '' };
		expect(verifyInboundAuth('apiKey', header, request({ 'x-lsq-secret': 'k1' }), options)).toMatchObject({ valid: true });
		expect(verifyInboundAuth('apiKey', header, request({ 'x-lsq-secret': 'k2' }), options)).toMatchObject({ reason: 'mismatch' });
		expect(verifyInboundAuth('apiKey', header, request({}), options)).toMatchObject({ reason: 'missing' });
		const query = { location: 'query', name: 'token', apiKey: 'k1' };
		expect(verifyInboundAuth('apiKey', query, request({}, { token: 'k1' }), options)).toMatchObject({ valid: true });
		expect(verifyInboundAuth('apiKey', query, request({}, { token: ['k1', 'k1'] }), options)).toMatchObject({ reason: 'malformed' });
	});

	it('reads an API key from a top-level field of a JSON body when a profile puts it there (Zoho CRM)', () => {
		const body = { location: 'body', name: 'token', apiKey: 'k1', previousApiKey: 'k0' };
		const sent = (json: string) => ({ headers: {}, query: {}, rawBody: Buffer.from(json) });
		expect(verifyInboundAuth('apiKey', body, sent('{"ids":["1"],"token":"k1"}'), options)).toMatchObject({ valid: true, secretIndex: 0 });
		expect(verifyInboundAuth('apiKey', body, sent('{"token":"k0"}'), options)).toMatchObject({ valid: true, secretIndex: 1 });
		expect(verifyInboundAuth('apiKey', body, sent('{"token":"k2"}'), options)).toMatchObject({ reason: 'mismatch' });
		expect(verifyInboundAuth('apiKey', body, sent('{"data":{"token":"k1"}}'), options)).toMatchObject({ reason: 'missing' });
		expect(verifyInboundAuth('apiKey', body, sent('{"token":["k1"]}'), options)).toMatchObject({ reason: 'missing' });
		expect(verifyInboundAuth('apiKey', body, sent('token=k1'), options)).toMatchObject({ reason: 'missing' });
		// Read before authentication, so under the triggers' depth limit (1,000): deeper is never parsed.
		const nested = (depth: number) => `{"token":"k1","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
		expect(verifyInboundAuth('apiKey', body, sent(nested(998)), options)).toMatchObject({ valid: true });
		expect(verifyInboundAuth('apiKey', body, sent(nested(1000)), options)).toMatchObject({ reason: 'missing' });
		// The header of the same name is not where the key is looked for.
		expect(verifyInboundAuth('apiKey', body, { headers: { token: 'k1' }, query: {}, rawBody: Buffer.from('{}') }, options)).toMatchObject({
			reason: 'missing',
		});
	});

	it('verifies signatures with the scheme of a signing-secret credential, including previous secrets', () => {
		const credential = { scheme: 'hmac', secret: 'new', previousSecrets: 'old older', hmacHeaderName: 'X-Webhook-Signature' };
		const { config } = signingFromCredential(credential);
		const body = Buffer.from('{"id":"evt_1"}');
		const headers = signRequest(config, 'older', { body, timestampSeconds: 0, messageId: 'm' });
		const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
		expect(verifyInboundAuth('signingSecret', credential, { headers: lower, query: {}, rawBody: body }, options)).toMatchObject({
			valid: true,
			secretIndex: 2,
		});
	});

	it('verifies Standard Webhooks v1a signatures with the credential’s public keys, after its secrets', () => {
		const [keys, next] = [standardWebhooksKeyPair(), standardWebhooksKeyPair()];
		const credential = {
			scheme: 'standardWebhooks',
			secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
			publicKeys: ` ${next.publicKeyText}  ${keys.publicKeyText} `,
		};
		const { config, secrets } = signingFromCredential(credential);
		expect(config).toEqual({ scheme: 'standardWebhooks', publicKeys: [next.publicKeyText, keys.publicKeyText] });
		expect(secrets).toEqual(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
		const body = Buffer.from('{"type":"contact.created"}');
		const headers = signRequest(config, keys.secretKey, { body, timestampSeconds: Math.floor(Date.now() / 1000), messageId: 'm' });
		expect(verifyInboundAuth('signingSecret', credential, { headers, query: {}, rawBody: body }, options)).toMatchObject({
			valid: true,
			secretIndex: 2,
		});
		const forged = signRequest(config, standardWebhooksKeyPair().secretKey, {
			body,
			timestampSeconds: Math.floor(Date.now() / 1000),
			messageId: 'm',
		});
		expect(verifyInboundAuth('signingSecret', credential, { headers: forged, query: {}, rawBody: body }, options)).toMatchObject({
			reason: 'mismatch',
		});
	});
});

describe('credential problems and redaction', () => {
	it('explains unusable values', () => {
		expect(credentialProblems('apiKey', { name: 'X-Key', apiKey: '' })).toEqual(['API Key is empty']);
		expect(credentialProblems('signingSecret', { scheme: 'hmac', secret: 's', hmacHeaderName: 'Bad Header' })).toEqual([
			'"Bad Header" is not a valid header name',
		]);
		expect(credentialProblems('signingSecret', { scheme: 'hmac', secret: 's', timestampHeaderName: 'Content-Length' })).toEqual([
			'"Content-Length" is a header HTTP itself sets; choose another',
		]);
		expect(credentialProblems('signingSecret', { scheme: 'standardWebhooks', secret: 'whsec_c2hvcnQ=' })).toEqual([
			'A Standard Webhooks secret should hold at least 16 random bytes (24 to 64 recommended)',
		]);
		expect(credentialProblems('none', {})).toEqual([]);
	});

	it('checks Standard Webhooks keys by their prefix, and says a public key cannot sign', () => {
		const keys = standardWebhooksKeyPair();
		const standard = (fields: Record<string, string>) => ({ scheme: 'standardWebhooks', ...fields });
		expect(credentialProblems('signingSecret', standard({ secret: keys.secretKey, publicKeys: keys.publicKeyText }))).toEqual([]);
		expect(credentialProblems('signingSecret', standard({ secret: keys.publicKeyText, previousSecrets: keys.secretKey64 }))).toEqual([]);
		expect(
			credentialProblems('signingSecret', standard({ secret: 'whsk_c2hvcnQ=', publicKeys: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })),
		).toEqual([
			'A Standard Webhooks secret key must be "whsk_" followed by the base64 of 32 or 64 bytes',
			'Public Keys takes whpk_ keys only',
		]);
		expect(credentialProblems('signingSecret', standard({ secret: keys.secretKey, publicKeys: 'whpk_c2hvcnQ=' }))).toEqual([
			'A Standard Webhooks public key must be "whpk_" followed by the base64 of 32 bytes',
		]);
		expect(signingSecretCannotSign(standard({ secret: keys.publicKeyText }))).toMatch(/^Secret is a whpk_ public key/);
		expect(signingSecretCannotSign(standard({ secret: keys.secretKey, previousSecrets: keys.publicKeyText }))).toBeUndefined();
		expect(signingSecretCannotSign({ scheme: 'hmac', secret: 'whpk_looks-like-a-key' })).toBeUndefined();
	});

	it("signs with the previous secrets until the overlap's end, a picked time read in the workflow's zone", () => {
		const until = (signPreviousUntil: string) => ({ scheme: 'hmac', secret: 's', signPreviousUntil });
		const berlinSixPm = Date.parse('2026-12-31T17:00:00Z');
		expect(signsWithPrevious(until('2026-12-31T18:00:00'), berlinSixPm - 1, 'Europe/Berlin')).toBe(true);
		expect(signsWithPrevious(until('2026-12-31T18:00:00'), berlinSixPm, 'Europe/Berlin')).toBe(false);
		expect(signsWithPrevious(until('2026-12-31T18:00:00Z'), berlinSixPm, 'Europe/Berlin')).toBe(true);
		expect(signsWithPrevious(until(''), 0, 'UTC')).toBe(false);
		expect(signsWithPrevious(until('soon'), 0, 'UTC')).toBe(false);
		expect(signPreviousUntilProblem(until(''))).toBeUndefined();
		expect(signPreviousUntilProblem(until('2026-12-31T18:00:00'))).toBeUndefined();
		expect(signPreviousUntilProblem(until('soon'))).toBe(
			'Sign With Previous Secrets Until is not a date ("soon"): pick one in the date picker, or clear it to sign with the current secret only',
		);
	});

	it('names the headers that carry secrets', () => {
		expect(secretHeaderNames('basicAuth', {})).toEqual(['authorization']);
		expect(secretHeaderNames('apiKey', { location: 'header', name: 'X-LSQ-Secret' })).toEqual(['x-lsq-secret']);
		expect(secretHeaderNames('apiKey', { location: 'body', name: 'token' })).toEqual([]);
		expect(secretHeaderNames('apiKey', { location: 'query', name: 'code' })).toEqual([]);
		expect(secretHeaderNames('signingSecret', { scheme: 'standardWebhooks' })).toEqual(['webhook-signature', 'svix-signature']);
	});

	it('drops the query parameter that carries an API key, and only for a key sent in the query', () => {
		const query = { token: 'k1', id: '7' };
		expect(queryWithoutSecret('apiKey', { location: 'query', name: 'token', apiKey: 'k1' }, query)).toEqual({ id: '7' });
		expect(query).toEqual({ token: 'k1', id: '7' });
		expect(queryWithoutSecret('apiKey', { location: 'header', name: 'token', apiKey: 'k1' }, query)).toBe(query);
		expect(queryWithoutSecret('builtIn', undefined, query)).toBe(query);
	});

	it('drops the JSON body field that carries an API key from the raw body text, and only for a key sent there', () => {
		const credential = { location: 'body', name: 'token', apiKey: 'k1' };
		expect(bodyWithoutSecret('apiKey', credential, '{"ids":["1"],"token":"k1"}')).toBe('{"ids":["1"]}');
		expect(bodyWithoutSecret('apiKey', { ...credential, location: 'header' }, '{"token":"k1"}')).toBe('{"token":"k1"}');
		expect(bodyWithoutSecret('apiKey', credential, 'not json')).toBe('not json');
		expect(bodyWithoutSecret('none', undefined, '{"token":"k1"}')).toBe('{"token":"k1"}');
	});

	it('checks no header-name rule for a key in the query or the body', () => {
		expect(credentialProblems('apiKey', { location: 'body', name: 'token', apiKey: 'k' })).toEqual([]);
		expect(credentialProblems('apiKey', { location: 'header', name: 'bad name', apiKey: 'k' })).toHaveLength(1);
	});

	it('refuses a key or token with a space HTTP drops, which no delivered request could match', () => {
		expect(credentialProblems('apiKey', { location: 'header', name: 'X-Key', apiKey: 's3cret ', previousApiKey: ' old' })).toEqual([
			'API Key contains a space or tab at its start or end; remove it',
			'Previous API Key contains a space or tab at its start or end; remove it',
		]);
		expect(credentialProblems('apiKey', { location: 'header', name: 'X-Key', apiKey: 'two words' })).toEqual([]);
		expect(credentialProblems('bearerToken', { token: 'two words' })).toEqual(['Token contains a space or tab; remove it']);
		expect(credentialProblems('bearerToken', { token: 'tok', previousToken: 'old\t' })).toEqual([
			'Previous Token contains a space or tab; remove it',
		]);
	});

	it('refuses header values and names the HTTP client cannot send, before a request fails on them', () => {
		expect(credentialProblems('apiKey', { location: 'header', name: 'Host', apiKey: 'k' })).toEqual([
			'Name "Host" is a header HTTP itself sets; choose another, e.g. X-API-Key',
		]);
		expect(credentialProblems('apiKey', { location: 'header', name: 'X-Key', apiKey: 'clé✓' })).toEqual([
			'API Key has a control character or a character beyond Latin-1, which an HTTP header cannot carry; use ASCII',
		]);
		expect(credentialProblems('apiKey', { location: 'query', name: 'key', apiKey: 'clé✓' })).toEqual([]);
		expect(credentialProblems('bearerToken', { token: 'tok\u0001en' })).toEqual([
			'Token has a control character or a character beyond Latin-1, which an HTTP header cannot carry; use ASCII',
		]);
		expect(credentialProblems('bearerToken', { token: 'tok\nen' })).toEqual([
			'Token contains a line break, which would break the request headers',
		]);
	});
});
