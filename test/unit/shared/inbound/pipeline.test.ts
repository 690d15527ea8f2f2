import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { inboundAuthFromCredential } from '../../../../nodes/shared/inbound/authenticator';
import { DedupeStore, batched } from '../../../../nodes/shared/inbound/dedupeStore';
import { DedupeStoreUnavailable } from '../../../../nodes/shared/dedupe/types';
import type { InboundRequest, PipelineContext } from '../../../../nodes/shared/inbound/pipeline';
import { runInboundPipeline } from '../../../../nodes/shared/inbound/pipeline';
import type { InboundPolicyOptions } from '../../../../nodes/shared/inbound/policy';
import { compileInboundPolicy } from '../../../../nodes/shared/inbound/policy';
import { signStandardWebhook } from '../../../../nodes/shared/signatures/standardWebhooks';

// The published Standard Webhooks vector (standard-webhooks libraries/javascript/src/webhook.test.ts).
const VECTOR = {
	secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
	timestamp: 1614265330,
	body: '{"test": 2432232314}',
	signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorHeaders = {
	'content-type': 'application/json',
	'webhook-id': VECTOR.messageId,
	'webhook-timestamp': String(VECTOR.timestamp),
	'webhook-signature': VECTOR.signature,
};
const standardWebhooks = (secret = VECTOR.secret, previousSecrets = '') =>
	inboundAuthFromCredential('signingSecret', { scheme: 'standardWebhooks', secret, previousSecrets }).authenticate;

const HMAC_SECRET = 'salesos-signing-secret';
const hmac = inboundAuthFromCredential('signingSecret', { scheme: 'hmac', secret: HMAC_SECRET }).authenticate;
const hmacHeaders = (body: string | Buffer, secret = HMAC_SECRET) => ({
	'content-type': 'application/json',
	'x-webhook-signature': createHmac('sha256', secret).update(body).digest('hex'),
});

function request(overrides: Partial<InboundRequest> & { bodyText?: string | Buffer } = {}): InboundRequest {
	const { bodyText = '', ...rest } = overrides;
	return {
		method: 'POST',
		headers: {},
		query: {},
		peerAddress: '127.0.0.1',
		body: Readable.from([Buffer.from(bodyText)]),
		...rest,
	};
}

const run = (req: InboundRequest, settings: InboundPolicyOptions = {}, context: Partial<PipelineContext> = {}) =>
	runInboundPipeline(req, compileInboundPolicy(settings), {
		authenticate: inboundAuthFromCredential('none', undefined).authenticate,
		...context,
	});

describe('runInboundPipeline: who is refused how', () => {
	const basic = inboundAuthFromCredential('basicAuth', { user: 'crm', password: 'pass' }).authenticate;

	it('answers a wrong Basic password 401 with a WWW-Authenticate challenge', async () => {
		const wrong = `Basic ${Buffer.from('crm:guess').toString('base64')}`;
		const result = await run(request({ headers: { authorization: wrong }, bodyText: '{}' }), {}, { authenticate: basic });
		expect(result).toMatchObject({
			status: 401,
			code: 'unauthorized',
			headers: { 'WWW-Authenticate': expect.stringMatching(/^Basic realm=/) },
		});
	});

	it('challenges every 401 of Basic and Bearer: a repeated Authorization header, a missing one, a wrong token', async () => {
		const bearer = inboundAuthFromCredential('bearerToken', { token: 'right-token' }).authenticate;
		const basicHeader = `Basic ${Buffer.from('crm:pass').toString('base64')}`;
		const cases: Array<[typeof basic, Record<string, string | string[]>, RegExp]> = [
			[basic, { authorization: [basicHeader, basicHeader] }, /^Basic realm=/],
			[bearer, { authorization: ['Bearer right-token', 'Bearer right-token'] }, /^Bearer realm=/],
			[bearer, {}, /^Bearer realm=/],
			[bearer, { authorization: 'Bearer wrong-token' }, /^Bearer realm=/],
		];
		for (const [authenticate, headers, challenge] of cases) {
			const result = await run(request({ headers, bodyText: '{}' }), {}, { authenticate });
			expect(result).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': expect.stringMatching(challenge) } });
		}
	});

	it('answers a check that names another sender 403', async () => {
		const result = await run(
			request({ bodyText: '{}' }),
			{},
			{ authenticate: () => ({ valid: false, reason: 'mismatch', message: 'Not you', forbidden: true }) },
		);
		expect(result).toMatchObject({ outcome: 'rejected', status: 403, code: 'forbidden', message: 'Not you' });
	});
});

describe('runInboundPipeline: Standard Webhooks vector', () => {
	const at = { nowSeconds: VECTOR.timestamp };

	it('accepts the published vector and reports the signed message id as event id', async () => {
		const result = await run(request({ headers: vectorHeaders, bodyText: VECTOR.body }), {}, { ...at, authenticate: standardWebhooks() });
		expect(result).toMatchObject({
			outcome: 'accepted',
			body: { test: 2432232314 },
			bodyKind: 'json',
			eventId: VECTOR.messageId,
			verification: { scheme: 'standard-webhooks', secretIndex: 0 },
		});
		if (result.outcome === 'accepted') expect(result.rawBody.toString()).toBe(VECTOR.body);
	});

	it('refuses a tampered body with 401', async () => {
		const result = await run(
			request({ headers: vectorHeaders, bodyText: '{"test": 2432232315}' }),
			{},
			{ ...at, authenticate: standardWebhooks() },
		);
		expect(result).toMatchObject({ outcome: 'rejected', status: 401, code: 'unauthorized' });
	});

	it('refuses a wrong secret with 401', async () => {
		const wrong = 'whsec_' + Buffer.from('another secret of 24 bytes!').toString('base64');
		const result = await run(
			request({ headers: vectorHeaders, bodyText: VECTOR.body }),
			{},
			{ ...at, authenticate: standardWebhooks(wrong) },
		);
		expect(result).toMatchObject({ status: 401, code: 'unauthorized', message: 'webhook-signature does not match the body' });
	});

	it('refuses an old timestamp as a replay, and honours the configured window', async () => {
		const later = { nowSeconds: VECTOR.timestamp + 301, authenticate: standardWebhooks() };
		const req = () => request({ headers: vectorHeaders, bodyText: VECTOR.body });
		expect(await run(req(), {}, later)).toMatchObject({ status: 401, code: 'replayed' });
		expect(await run(req(), { replayWindowSeconds: 600 }, later)).toMatchObject({ outcome: 'accepted' });
		expect(await run(req(), { replayWindowSeconds: 0 }, { ...later, nowSeconds: VECTOR.timestamp + 86_400 })).toMatchObject({
			outcome: 'accepted',
		});
	});

	it('accepts a message signed with a rotated (previous) secret and reports which one matched', async () => {
		const current = 'whsec_' + Buffer.from('the brand new secret, 32 bytes!!').toString('base64');
		const result = await run(
			request({ headers: vectorHeaders, bodyText: VECTOR.body }),
			{},
			{ ...at, authenticate: standardWebhooks(current, VECTOR.secret) },
		);
		expect(result).toMatchObject({ outcome: 'accepted', verification: { secretIndex: 1 } });
	});

	it('accepts a fresh signature made with the same code the Outbound node uses', async () => {
		const now = 1_700_000_000;
		const body = Buffer.from('{"event":"contact.created"}');
		const headers = { 'content-type': 'application/json', ...signStandardWebhook(VECTOR.secret, body, now, 'msg_1') };
		const result = await run(request({ headers, bodyText: body }), {}, { nowSeconds: now, authenticate: standardWebhooks() });
		expect(result).toMatchObject({ outcome: 'accepted', eventId: 'msg_1' });
	});
});

describe('runInboundPipeline: order of checks', () => {
	it('refuses a method that is not configured with 405', async () => {
		expect(await run(request({ method: 'DELETE' }), { methods: ['POST'] })).toMatchObject({ status: 405 });
	});

	it('refuses a client outside the allowlist with 403, before reading the body', async () => {
		const body = new Readable({ read: () => undefined });
		const result = await run(request({ peerAddress: '203.0.113.9', body }), { ipAllowlist: '10.0.0.0/8' });
		expect(result).toMatchObject({ outcome: 'rejected', status: 403, code: 'ip_not_allowed', clientIp: '203.0.113.9' });
		expect(body.listenerCount('data')).toBe(0);
	});

	it('believes X-Forwarded-For only from trusted proxies', async () => {
		const forwarded = { 'x-forwarded-for': '10.1.1.1' };
		const settings = { ipAllowlist: '10.0.0.0/8', trustedProxies: '192.168.0.1' };
		expect(await run(request({ peerAddress: '192.168.0.1', headers: forwarded }), settings)).toMatchObject({
			outcome: 'accepted',
			clientIp: '10.1.1.1',
		});
		expect(await run(request({ peerAddress: '192.168.0.2', headers: forwarded }), settings)).toMatchObject({ status: 403 });
	});

	it('refuses an oversized body with 413 before authenticating it', async () => {
		const authenticate = jest.fn(hmac);
		const result = await run(
			request({ headers: { 'content-length': '5000' }, bodyText: 'x'.repeat(5000) }),
			{ maxBodyBytes: 1000 },
			{ authenticate },
		);
		expect(result).toMatchObject({ status: 413, code: 'body_too_large' });
		expect(authenticate).not.toHaveBeenCalled();
	});

	it('refuses a wrong header credential with 401 before reading the body, and checks it only once', async () => {
		const { authenticate } = inboundAuthFromCredential('bearerToken', { token: 'right-token' });
		const bearer = Object.assign(jest.fn(authenticate), { headersOnly: authenticate.headersOnly });
		const never = new Readable({ read: () => undefined }); // a body that never ends: reading it would hang
		const refused = await run(request({ headers: { authorization: 'Bearer guess' }, body: never }), {}, { authenticate: bearer });
		expect(refused).toMatchObject({ status: 401, code: 'unauthorized' });
		expect(never.listenerCount('data')).toBe(0);
		// The right token passes the early check and the body is read; no second check over the body.
		const headers = { authorization: 'Bearer right-token', 'content-type': 'application/json' };
		expect(await run(request({ headers, bodyText: '{"a":1}' }), {}, { authenticate: bearer })).toMatchObject({
			outcome: 'accepted',
			body: { a: 1 },
		});
		expect(bearer).toHaveBeenCalledTimes(2);
	});

	it('reads the body first for a key the CRM sends inside it (Zoho), and for every signature', () => {
		expect(inboundAuthFromCredential('apiKey', { name: 'token', location: 'body', apiKey: 'k' }).authenticate.headersOnly).toBe(false);
		expect(inboundAuthFromCredential('apiKey', { name: 'X-Key', location: 'header', apiKey: 'k' }).authenticate.headersOnly).toBe(true);
		expect(inboundAuthFromCredential('basicAuth', { user: 'u', password: 'p' }).authenticate.headersOnly).toBe(true);
		expect(hmac.headersOnly).toBeUndefined();
		expect(standardWebhooks().headersOnly).toBeUndefined();
	});

	it('refuses unsigned garbage with 401, not 400: nothing unauthenticated is parsed', async () => {
		const result = await run(
			request({ headers: { 'content-type': 'application/json' }, bodyText: '{not json' }),
			{},
			{ authenticate: hmac },
		);
		expect(result).toMatchObject({ status: 401, message: 'Missing X-Webhook-Signature header' });
	});

	it('refuses a garbage signature with 401', async () => {
		const headers = { 'content-type': 'application/json', 'x-webhook-signature': '%%%garbage%%%' };
		expect(await run(request({ headers, bodyText: '{}' }), {}, { authenticate: hmac })).toMatchObject({ status: 401 });
	});

	it('refuses a duplicated signature header with 401', async () => {
		const body = '{"a":1}';
		const good = hmacHeaders(body)['x-webhook-signature'];
		const headers = { 'content-type': 'application/json', 'x-webhook-signature': [good, good] };
		expect(await run(request({ headers, bodyText: body }), {}, { authenticate: hmac })).toMatchObject({
			status: 401,
			message: 'Header X-Webhook-Signature was sent more than once',
		});
	});

	it('verifies over the exact bytes of a gzip body, after decoding', async () => {
		const body = '{"compressed":true}';
		const headers = { ...hmacHeaders(body), 'content-encoding': 'gzip' };
		const result = await run(request({ headers, bodyText: gzipSync(body) }), {}, { authenticate: hmac });
		expect(result).toMatchObject({ outcome: 'accepted', body: { compressed: true } });
	});

	it('checks the content type after authentication (415) and parses after that (400)', async () => {
		const xmlish = 'a,b,c';
		expect(
			await run(
				request({ headers: { ...hmacHeaders(xmlish), 'content-type': 'application/x-unknown' }, bodyText: xmlish }),
				{},
				{ authenticate: hmac },
			),
		).toMatchObject({ status: 415 });
		const malformed = '{"a":';
		expect(await run(request({ headers: hmacHeaders(malformed), bodyText: malformed }), {}, { authenticate: hmac })).toMatchObject({
			status: 400,
			code: 'malformed_body',
		});
	});

	it('accepts bytes already read (a Buffer) and limits them too', async () => {
		expect(await run(request({ body: Buffer.from('{"a":1}'), headers: { 'content-type': 'application/json' } }))).toMatchObject({
			outcome: 'accepted',
			body: { a: 1 },
		});
		expect(await run(request({ body: Buffer.alloc(2000) }), { maxBodyBytes: 1000 })).toMatchObject({ status: 413 });
	});

	it('accepts an empty GET without a Content-Type', async () => {
		expect(await run(request({ method: 'GET', query: { a: '1' } }))).toMatchObject({ outcome: 'accepted', body: {} });
	});
});

describe('runInboundPipeline: handshake and duplicates', () => {
	it('answers a body challenge after authentication, without accepting the request', async () => {
		const body = '{"type":"url_verification","challenge":"c-123"}';
		const settings: InboundPolicyOptions = { handshake: { source: 'body', field: 'challenge', respondAs: 'json' } };
		expect(await run(request({ headers: hmacHeaders(body), bodyText: body }), settings, { authenticate: hmac })).toMatchObject({
			outcome: 'answered',
			code: 'handshake',
			status: 200,
			body: '{"challenge":"c-123"}',
		});
		expect(
			await run(request({ headers: { 'content-type': 'application/json' }, bodyText: body }), settings, { authenticate: hmac }),
		).toMatchObject({
			status: 401,
		});
	});

	it('answers an unsigned query challenge before authentication only when told to', async () => {
		const handshake = { source: 'query' as const, field: 'hub.challenge', respondAs: 'text' as const };
		const req = () => request({ method: 'GET', query: { 'hub.challenge': '42' } });
		expect(await run(req(), { handshake }, { authenticate: hmac })).toMatchObject({ status: 401 });
		expect(await run(req(), { handshake: { ...handshake, beforeAuth: true } }, { authenticate: hmac })).toMatchObject({
			outcome: 'answered',
			body: '42',
		});
		// Still behind the IP allowlist.
		expect(await run(req(), { handshake: { ...handshake, beforeAuth: true }, ipAllowlist: '10.0.0.1' })).toMatchObject({ status: 403 });
	});

	it.each([
		['reject' as const, { outcome: 'rejected', status: 409, code: 'duplicate' }],
		['acknowledge' as const, { outcome: 'answered', status: 200, code: 'duplicate', body: '{"received":true,"duplicate":true}' }],
	])('handles a duplicate by %s', async (onDuplicate, expected) => {
		const store = new DedupeStore();
		const staticData = {};
		const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path: '$.id' }, onDuplicate } };
		const send = () =>
			run(request({ headers: { 'content-type': 'application/json' }, bodyText: '{"id":"evt_1"}' }), settings, {
				dedupe: batched(store.open('wf:node', staticData, { windowSeconds: 60, maxEntries: 10 })),
			});
		expect(await send()).toMatchObject({ outcome: 'accepted', eventId: 'evt_1' });
		expect(await send()).toMatchObject({ ...expected, eventId: 'evt_1' });
	});

	it('dedupes a 64-bit numeric id on the digits sent, not on the number JSON.parse rounded', async () => {
		const dedupe = batched(new DedupeStore().open('big', {}, { windowSeconds: 60, maxEntries: 10 }));
		const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path: '$.id' }, onDuplicate: 'reject' } };
		const send = (bodyText: string) => run(request({ headers: { 'content-type': 'application/json' }, bodyText }), settings, { dedupe });
		const first = await send('{"id":1234567890123456789,"amount":1}');
		expect(first).toMatchObject({ outcome: 'accepted', eventId: '1234567890123456789', body: { amount: 1 } });
		// Both ids are 1234567890123456800 as numbers; the body the workflow gets keeps that number, as n8n's Webhook node does.
		expect((first as { body: { id: number } }).body.id).toBe(1234567890123456800);
		expect(await send('{"id":1234567890123456790,"amount":999}')).toMatchObject({ outcome: 'accepted', eventId: '1234567890123456790' });
		expect(await send('{"id":1234567890123456790,"amount":999}')).toMatchObject({ outcome: 'rejected', code: 'duplicate' });
	});

	it.each([
		['JSON', 'application/json', '{"id":"evt_1","action":"deleted"}', '$.id'],
		['XML', 'application/xml', '<event><id>evt_1</id></event>', '$.event.id'],
		['form', 'application/x-www-form-urlencoded', 'id=evt_1&action=deleted', '$.id'],
	])(
		'finds the signed %s id when the same bytes come back under another Content-Type (it is not signed)',
		async (_, sentAs, body, path) => {
			const dedupe = batched(new DedupeStore().open('ctype', {}, { windowSeconds: 60, maxEntries: 10 }));
			const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path }, onDuplicate: 'reject' } };
			const send = (contentType: string) =>
				run(request({ headers: { ...hmacHeaders(body), 'content-type': contentType }, bodyText: body }), settings, {
					authenticate: hmac,
					dedupe,
				});
			expect(await send(sentAs)).toMatchObject({ outcome: 'accepted', eventId: 'evt_1' });
			for (const replayedAs of [
				'text/plain',
				'application/octet-stream',
				'application/x-www-form-urlencoded',
				'text/html; charset=latin1',
			]) {
				expect(await send(replayedAs)).toMatchObject({ outcome: 'rejected', code: 'duplicate' });
			}
		},
	);

	it('reads one id from a Latin-1 form whatever charset a resend declares (it is not signed)', async () => {
		const dedupe = batched(new DedupeStore().open('latin1-form', {}, { windowSeconds: 60, maxEntries: 10 }));
		const body = 'id=evt-%E9&action=deleted';
		const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path: '$.id' }, onDuplicate: 'reject' } };
		const send = (contentType: string) =>
			run(request({ headers: { ...hmacHeaders(body), 'content-type': contentType }, bodyText: body }), settings, {
				authenticate: hmac,
				dedupe,
			});
		expect(await send('application/x-www-form-urlencoded; charset=ISO-8859-1')).toMatchObject({ outcome: 'accepted', eventId: 'evt-é' });
		for (const replayedAs of ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'text/plain']) {
			expect(await send(replayedAs)).toMatchObject({ outcome: 'rejected', code: 'duplicate' });
		}
	});

	it.each([
		[
			'an `&id=` inside a JSON string, read as a form',
			'{"id":"evt_1","link":"https://crm.example/r?a=1&id=2"}',
			'application/x-www-form-urlencoded',
		],
		['a non-ASCII id, resent declaring Latin-1', '{"id":"évt_1"}', 'text/plain; charset=latin1'],
		['a non-ASCII id, resent as JSON declaring Latin-1', '{"id":"évt_1"}', 'application/json; charset=latin1'],
		['a non-ASCII XML id, resent as a Latin-1 form', '<e><id>évt_1</id></e>', 'application/x-www-form-urlencoded; charset=latin1'],
	])('is not misled by %s', async (_, body, replayedAs) => {
		const dedupe = batched(new DedupeStore().open('misread', {}, { windowSeconds: 60, maxEntries: 10 }));
		const path = body.startsWith('<') ? '$.e.id' : '$.id';
		const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path }, onDuplicate: 'reject' } };
		const send = (contentType: string) =>
			run(request({ headers: { ...hmacHeaders(body), 'content-type': contentType }, bodyText: body }), settings, {
				authenticate: hmac,
				dedupe,
			});
		const first = await send(body.startsWith('<') ? 'application/xml' : 'application/json');
		expect(first).toMatchObject({ outcome: 'accepted', eventId: expect.stringMatching(/^.vt_1$/) });
		expect(await send(replayedAs)).toMatchObject({ outcome: 'rejected', code: 'duplicate' });
	});

	it('leaves a body without the id undeduplicated, whatever it is read as, and reads a fixed Body Type only one way', async () => {
		const dedupe = batched(new DedupeStore().open('no-id', {}, { windowSeconds: 60, maxEntries: 10 }));
		const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path: '$.id' }, onDuplicate: 'reject' } };
		const send = (bodyText: string, options: InboundPolicyOptions = settings) =>
			run(request({ headers: { 'content-type': 'text/plain' }, bodyText }), options, { dedupe });
		expect(await send('{"other":1}')).toMatchObject({ outcome: 'accepted', eventId: undefined, body: '{"other":1}' });
		expect(await send('{"other":1}')).toMatchObject({ outcome: 'accepted', eventId: undefined });
		expect(await send('{"id":"evt_t"}', { ...settings, bodyType: 'text' })).toMatchObject({ outcome: 'accepted', eventId: undefined });
	});

	it('records nothing for requests that fail authentication', async () => {
		const store = new DedupeStore();
		const dedupe = batched(store.open('s', {}, { windowSeconds: 60, maxEntries: 10 }));
		const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path: '$.id' }, onDuplicate: 'reject' } };
		const body = '{"id":"evt_9"}';
		await run(request({ headers: { 'content-type': 'application/json' }, bodyText: body }), settings, { authenticate: hmac, dedupe });
		expect(await run(request({ headers: hmacHeaders(body), bodyText: body }), settings, { authenticate: hmac, dedupe })).toMatchObject({
			outcome: 'accepted',
		});
	});
});

describe('runInboundPipeline: a dedupe store that cannot answer', () => {
	const settings: InboundPolicyOptions = { dedupe: { eventId: { from: 'jsonPath', path: '$.id' }, onDuplicate: 'reject' } };
	const send = (dedupe: { seenBefore: () => Promise<boolean[]> }) =>
		run(request({ headers: { 'content-type': 'application/json' }, bodyText: '{"id":"evt_1"}' }), settings, {
			dedupe: { ...dedupe, forget: () => undefined },
		});

	it('answers 503 with Retry-After and accepts nothing', async () => {
		const result = await send({
			seenBefore: async () => Promise.reject(new DedupeStoreUnavailable('Redis at 127.0.0.1:1: connect ECONNREFUSED')),
		});
		expect(result).toMatchObject({ outcome: 'rejected', status: 503, code: 'dedupe_store_unavailable', headers: { 'Retry-After': '5' } });
		// The reason is logged, not sent.
		expect(result).toMatchObject({ logDetail: expect.stringContaining('ECONNREFUSED') });
		expect((result as { message: string }).message).not.toContain('127.0.0.1');
	});

	it('treats any failure of the check as the store being unavailable', async () => {
		expect(await send({ seenBefore: async () => Promise.reject(new Error('credential not found')) })).toMatchObject({ status: 503 });
	});

	it('asks the store once, with the id and the window', async () => {
		const calls: unknown[] = [];
		await send({ seenBefore: async (...args: unknown[]) => (calls.push(args), [false]) } as never);
		expect(calls).toEqual([[[{ eventId: 'evt_1', windowSeconds: 86400 }]]]);
	});
});

describe('runInboundPipeline: a check that verified other bytes than those received', () => {
	it('hands on only the signed bytes and their JSON, without parsing the received body', async () => {
		const signed = Buffer.from('{"email":"owner@example.com"}');
		const result = await run(
			request({
				headers: { 'content-type': 'application/json' },
				bodyText: '{"email":"attacker@evil.example","email":"owner@example.com"}',
			}),
			{},
			{
				authenticate: () => ({
					valid: true,
					scheme: 'test',
					secretIndex: 0,
					signedBody: { bytes: signed, json: { email: 'owner@example.com' } },
				}),
			},
		);
		expect(result).toMatchObject({ outcome: 'accepted', rawBody: signed, body: { email: 'owner@example.com' } });
	});
});
