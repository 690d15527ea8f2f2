import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { InboundWebhookTrigger } from '../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';
import { CREDENTIAL_TYPES } from '../../../nodes/shared/auth';
import { hashEventId } from '../../../nodes/shared/inbound/dedupeStore';
import { signStandardWebhook } from '../../../nodes/shared/signatures/standardWebhooks';
import { SIGNET_VECTOR, standardWebhooksKeyPair } from '../shared/signatures/ed25519Keys';

/** Response Headers as the node stores them (a fixedCollection of name/value rows). */
const headerRows = (headers: Record<string, string>) => ({ header: Object.entries(headers).map(([name, value]) => ({ name, value })) });

/**
 * The node's webhook() driven by real HTTP: a loopback server hands its real IncomingMessage and
 * ServerResponse to a faked IWebhookFunctions, the way n8n does once it has routed a request.
 */
const SECRET = 'trigger-test-secret';
const sign = (body: string | Buffer) => createHmac('sha256', SECRET).update(body).digest('hex');
const HMAC_CREDENTIAL = { scheme: 'hmac', secret: SECRET };

type Parameters = Record<string, unknown>;
interface Received {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	result?: IWebhookResponseData;
	answeredByNode: boolean;
	logs: Array<{ level: string; message: string; meta?: unknown }>;
}

interface Scenario {
	parameters?: Parameters;
	credential?: Record<string, unknown> | Error;
	staticData?: Record<string, unknown>;
	/** Simulates n8n having read the body already (its fallback path). */
	preRead?: boolean;
	/** The status n8n answers an accepted request with: a 5xx when it could not store the execution. */
	n8nStatus?: number;
	/** n8n's binary data store fails (full or unreachable). */
	binaryStoreFails?: boolean;
	/** How long n8n takes before it answers an accepted request (a slow database). */
	n8nDelayMs?: number;
}

const node = new InboundWebhookTrigger();
let server: http.Server;
let port: number;
let scenario: Scenario = {};
let lastResult: IWebhookResponseData | undefined;
/** Whether webhook() had already sent the answer when it returned. */
let answeredByNode = false;
let logs: Received['logs'] = [];

/** Set once webhook() returned: n8n 2.41 then releases the expression isolate, and parameters can no longer be read. */
let released = false;

function fakeContext(req: http.IncomingMessage, res: http.ServerResponse): IWebhookFunctions {
	const parameters: Parameters = { httpMethod: ['POST'], authentication: 'none', ...scenario.parameters };
	const log = (level: string) => (message: string, meta?: unknown) => logs.push({ level, message, meta });
	const staticData = (scenario.staticData ??= {});
	return {
		getNodeParameter: (name: string, fallback?: unknown) => {
			if (released) throw new Error('IsolateError: No bridge acquired for this context');
			return name in parameters ? parameters[name] : fallback;
		},
		getRequestObject: () => req,
		getResponseObject: () => res,
		getCredentials: async () => {
			if (scenario.credential instanceof Error) throw scenario.credential;
			return scenario.credential ?? HMAC_CREDENTIAL;
		},
		getWorkflow: () => ({ id: 'wf1', name: 'Test', active: true }),
		getNode: () => ({ id: 'node1', name: 'Inbound', type: 'inboundWebhookTrigger', typeVersion: 1, position: [0, 0], parameters: {} }),
		getMode: () => 'webhook',
		getWorkflowStaticData: () => staticData,
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName: string | undefined, mimeType: string) => {
				if (scenario.binaryStoreFails) throw new Error('ENOSPC: no space left on device');
				return {
					data: data.toString('base64'),
					mimeType,
					fileName,
					fileSize: String(data.length),
				};
			},
		},
	} as unknown as IWebhookFunctions;
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			Object.assign(req, { query: Object.fromEntries(url.searchParams) });
			if (scenario.preRead) {
				const chunks: Buffer[] = [];
				for await (const chunk of req) chunks.push(chunk as Buffer);
				Object.assign(req, { rawBody: Buffer.concat(chunks) });
			}
			released = false;
			lastResult = await node.webhook.call(fakeContext(req, res));
			released = true;
			answeredByNode = res.headersSent;
			if (res.headersSent) return;
			const parameters = scenario.parameters ?? {};
			if (scenario.n8nDelayMs) await new Promise((resolve) => setTimeout(resolve, scenario.n8nDelayMs));
			if (scenario.n8nStatus !== undefined) {
				res.statusCode = scenario.n8nStatus;
				res.end('{"code":500,"message":"Error in workflow"}');
				return;
			}
			if ((parameters.responseMode ?? 'onReceived') === 'onReceived' && lastResult.webhookResponse !== undefined) {
				// n8n's Immediately answer, sent once it has recorded the execution: the description's
				// responseCode and the node's webhookResponse, after the headers the node set.
				res.statusCode = Number(parameters.responseCode ?? 200);
				res.end(String(lastResult.webhookResponse));
				return;
			}
			// What n8n does when the node did not answer: respond for it (a marker here).
			res.statusCode = 299;
			res.end('answered-by-n8n');
		})();
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	port = (server.address() as AddressInfo).port;
});

afterAll(() => server.close());

async function send(
	body: string | Buffer,
	headers: Record<string, string | string[]> = {},
	options: { setup?: Scenario; method?: string; path?: string; chunked?: boolean } = {},
): Promise<Received> {
	scenario = options.setup ?? {};
	lastResult = undefined;
	answeredByNode = false;
	logs = [];
	return await new Promise((resolve, reject) => {
		const request = http.request({
			host: '127.0.0.1',
			port,
			method: options.method ?? 'POST',
			path: options.path ?? '/webhook/test',
			headers: { 'content-type': 'application/json', ...(options.chunked ? {} : { 'content-length': Buffer.byteLength(body) }) },
		});
		for (const [name, value] of Object.entries(headers)) request.setHeader(name, value);
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				// The node returns right after answering; give the handler a tick to finish.
				setImmediate(() =>
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						text: Buffer.concat(chunks).toString(),
						result: lastResult,
						answeredByNode,
						logs,
					}),
				);
			});
		});
		// A server that refuses a large upload may close before the client finished writing.
		request.on('error', (error: NodeJS.ErrnoException) =>
			error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
		);
		request.end(body);
	});
}

const signedSetup = (parameters: Parameters = {}): Scenario => ({ parameters: { authentication: 'signingSecret', ...parameters } });
const sendSigned = (body: string | Buffer, headers: Record<string, string | string[]> = {}, parameters: Parameters = {}) =>
	send(body, { 'x-webhook-signature': sign(body), ...headers }, { setup: signedSetup(parameters) });

const startsNothing = (received: Received) => {
	expect(received.result).toEqual({ noWebhookResponse: true });
};
const errorCode = (received: Received) => (JSON.parse(received.text) as { error: string }).error;

describe('Inbound Webhook Trigger: accepted requests', () => {
	it('hands one item to the workflow, with a 200 for n8n to send once the execution is recorded', async () => {
		const body = '{ "id": "evt_1", "contact": { "email": "ada@example.com" } }';
		const received = await sendSigned(
			body,
			{ cookie: 'session=abc', 'x-source': 'crm' },
			{
				fieldMapping: { field: [{ name: 'email', path: '$.body.contact.email' }] },
			},
		);
		expect(received.status).toBe(200);
		expect(received.text).toBe('{"received":true}');
		expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
		// n8n sends the answer once it has recorded the execution, never the node before that.
		expect(received.answeredByNode).toBe(false);
		expect(received.result?.noWebhookResponse).toBeUndefined();
		expect(received.result?.webhookResponse).toBe('{"received":true}');
		const items = received.result?.workflowData?.[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			body: { id: 'evt_1', contact: { email: 'ada@example.com' } },
			fields: { email: 'ada@example.com' },
			query: {},
			headers: { 'x-webhook-signature': '[redacted]', cookie: '[redacted]', 'x-source': 'crm' },
			meta: { verifiedBy: 'hmac-sha256', clientIp: '127.0.0.1' },
		});
		expect(Date.parse((items[0].json.meta as { receivedAt: string }).receivedAt)).not.toBeNaN();
		expect(items[0].json.meta).not.toHaveProperty('unmatchedPaths');
	});

	it('verifies a Standard Webhooks v1a (Ed25519) request with the credential’s whpk_ public key; another key is refused', async () => {
		const [keys, stranger] = [standardWebhooksKeyPair(), standardWebhooksKeyPair()];
		const credential = { scheme: 'standardWebhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', publicKeys: keys.publicKeyText };
		const body = '{"type":"contact.created","data":{"id":"c_1"}}';
		const signedBy = (secretKey: string) => signStandardWebhook(secretKey, Buffer.from(body), Math.floor(Date.now() / 1000), 'msg_1');
		const accepted = await send(body, signedBy(keys.secretKey), { setup: { ...signedSetup(), credential } });
		expect(accepted.status).toBe(200);
		expect(accepted.result?.workflowData?.[0][0].json).toMatchObject({
			body: { type: 'contact.created' },
			headers: { 'webhook-signature': '[redacted]', 'webhook-id': 'msg_1' },
			meta: { verifiedBy: 'standard-webhooks' },
		});
		const forged = await send(body, signedBy(stranger.secretKey), { setup: { ...signedSetup(), credential } });
		expect(forged.status).toBe(401);
		startsNothing(forged);
	});

	it('names in meta.unmatchedPaths a mapped path that matched nothing, instead of a silent null', async () => {
		const body = '{ "id": "evt_2", "contact": { "email": "ada@example.com" } }';
		const received = await sendSigned(
			body,
			{},
			{
				fieldMapping: {
					field: [
						{ name: 'email', path: '$.contact.email' },
						{ name: 'id', path: '$.body.id' },
					],
				},
			},
		);
		const [item] = received.result?.workflowData?.[0] ?? [];
		expect(item.json).toMatchObject({
			fields: { email: null, id: 'evt_2' },
			meta: { unmatchedPaths: [{ field: 'email', path: '$.contact.email' }] },
		});
	});

	it('uses the configured status, body and headers for the Immediately answer', async () => {
		const received = await send(
			'{}',
			{},
			{
				setup: {
					parameters: {
						responseCode: 202,
						responseBody: 'queued',
						responseHeaders: headerRows({ 'X-Receipt': 'r-1' }),
					},
				},
			},
		);
		expect(received).toMatchObject({ status: 202, text: 'queued' });
		expect(received.headers['x-receipt']).toBe('r-1');
		expect(received.headers['content-type']).toBe('text/plain; charset=utf-8');
	});

	it('leaves out a response header value HTTP cannot carry (past the publish check, from an expression), and still starts the workflow', async () => {
		const responseHeaders = headerRows({ 'X-Status': 'ok ✓', 'X-Receipt': 'r-1' });
		const setup = { parameters: { deduplicate: true, eventIdPath: '$.id', responseHeaders }, staticData: {} };
		const received = await send('{"id":"evt-latin1"}', {}, { setup });
		expect(received.status).toBe(200);
		expect(received.result?.workflowData).toHaveLength(1);
		expect(received.headers['x-status']).toBeUndefined();
		expect(received.headers['x-receipt']).toBe('r-1');
	});

	it('leaves out framing headers (past the publish check, from an expression), so the answer stays whole', async () => {
		const responseHeaders = headerRows({ 'Content-Length': '3', 'Transfer-Encoding': 'chunked', 'X-Receipt': 'r-2' });
		const received = await send('{"id":"evt-framing"}', {}, { setup: { parameters: { responseHeaders, responseBody: '{"ok":true}' } } });
		expect(received.status).toBe(200);
		expect(received.headers['content-length']).not.toBe('3');
		expect(received.headers['transfer-encoding']).toBeUndefined();
		expect(received.headers['x-receipt']).toBe('r-2');
	});

	it('leaves the answer to n8n when responding from the last node or a Respond to Webhook node', async () => {
		for (const responseMode of ['lastNode', 'responseNode']) {
			const received = await send('{"a":1}', {}, { setup: { parameters: { responseMode } } });
			expect(received.text).toBe('answered-by-n8n');
			expect(received.result?.noWebhookResponse).toBeUndefined();
			expect(received.result?.workflowData?.[0][0].json).toMatchObject({ body: { a: 1 } });
		}
	});

	it('parses XML, form and text bodies', async () => {
		const xml = await send('<Lead><Name>Ada</Name></Lead>', { 'content-type': 'application/xml' });
		expect(xml.result?.workflowData?.[0][0].json.body).toEqual({ lead: { name: 'Ada' } });
		const form = await send('a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' });
		expect(form.result?.workflowData?.[0][0].json.body).toEqual({ a: '1', b: '2' });
		const text = await send('hello', { 'content-type': 'text/plain' });
		expect(text.result?.workflowData?.[0][0].json.body).toBe('hello');
	});

	it('passes a binary body as n8n binary data', async () => {
		const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]);
		const received = await send(bytes, { 'content-type': 'image/png' });
		const [item] = received.result?.workflowData?.[0] ?? [];
		expect(item.json.body).toEqual({});
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', data: bytes.toString('base64') });
	});

	it('splits an array payload into one item per element, mapping each', async () => {
		const received = await send(
			'{"events":[{"id":"a"},{"id":"b"}]}',
			{},
			{
				setup: {
					parameters: {
						splitArray: true,
						splitPath: '$.body.events',
						fieldMapping: { field: [{ name: 'eventId', path: '$.body.id' }] },
						settings: { mappedFieldsOnly: true },
					},
				},
			},
		);
		const items = received.result?.workflowData?.[0].map((item) => item.json);
		expect(items).toEqual([expect.objectContaining({ eventId: 'a', meta: expect.any(Object) }), expect.objectContaining({ eventId: 'b' })]);
		expect(items?.[0]).not.toHaveProperty('body');
	});

	it('answers an empty batch as received and starts nothing; a lone XML element is one item', async () => {
		const split = { splitArray: true, splitPath: '$.body.events', responseBody: '{"ok":true}', responseCode: 202 };
		const empty = await send('{"events":[]}', {}, { setup: { parameters: split } });
		expect(empty.status).toBe(202);
		expect(empty.text).toBe('{"ok":true}');
		startsNothing(empty);
		// When Last Node Finishes: no node runs, so the node answers with the Response Code it was given.
		const lastNode = await send('{"events":[]}', {}, { setup: { parameters: { ...split, responseMode: 'lastNode' } } });
		expect([lastNode.status, lastNode.text]).toEqual([202, '{"received":true,"items":0}']);
		startsNothing(lastNode);
		const lone = await send(
			'<events><event><id>a</id></event></events>',
			{ 'content-type': 'application/xml' },
			{
				setup: { parameters: { ...split, splitPath: '$.body.events.event' } },
			},
		);
		expect(lone.result?.workflowData?.[0].map((item) => item.json.body)).toEqual([{ id: 'a' }]);
	});

	it('sandboxes its own answers as n8n does its, so an HTML answer cannot run script as n8n’s site', async () => {
		const html = {
			splitArray: true,
			splitPath: '$.body.a',
			responseBody: '<script>alert(1)</script>',
			responseHeaders: headerRows({ 'Content-Type': 'text/html', 'Content-Security-Policy': 'default-src *' }),
		};
		const empty = await send('{"a":[]}', {}, { setup: { parameters: html } });
		expect(empty.headers['content-type']).toBe('text/html');
		expect(empty.headers['content-security-policy']).toMatch(/^sandbox allow-downloads .*allow-scripts/);
		const accepted = await send('{"a":[1]}', {}, { setup: { parameters: html } });
		expect(accepted.headers['content-security-policy']).toMatch(/^sandbox /);
		const refused = await send('{', { 'content-type': 'application/json' });
		expect([refused.status, refused.headers['content-security-policy']]).toEqual([400, expect.stringMatching(/^sandbox /)]);
	});

	it('sends no body, length or content type with a 204 or 304 it answers itself', async () => {
		for (const responseCode of [204, 304]) {
			const empty = await send('{"a":[]}', {}, { setup: { parameters: { splitArray: true, splitPath: '$.body.a', responseCode } } });
			expect(empty.status).toBe(responseCode);
			expect(empty.headers['content-length']).toBeUndefined();
			expect(empty.headers['content-type']).toBeUndefined();
			expect(empty.text).toBe('');
		}
	});

	it('keeps a key sent as a query parameter out of the item and the field mapping', async () => {
		const received = await send(
			'{"id":1}',
			{},
			{
				path: '/webhook/test?token=query-secret&page=2',
				setup: {
					parameters: { authentication: 'apiKey', fieldMapping: { field: [{ name: 'key', path: '$.query.token' }] } },
					credential: { location: 'query', name: 'token', apiKey: 'query-secret' },
				},
			},
		);
		expect(received.status).toBe(200);
		const [item] = received.result?.workflowData?.[0] ?? [];
		expect(item.json).toMatchObject({ query: { page: '2' }, fields: { key: null }, meta: { verifiedBy: 'api-key' } });
		expect(JSON.stringify(item)).not.toContain('query-secret');
	});

	it('verifies over the exact bytes when n8n has already read the body', async () => {
		const body = '{"id":"pre-read"}';
		const received = await send(body, { 'x-webhook-signature': sign(body) }, { setup: { ...signedSetup(), preRead: true } });
		expect(received.status).toBe(200);
		expect(received.result?.workflowData?.[0][0].json.body).toEqual({ id: 'pre-read' });
	});
});

describe('Inbound Webhook Trigger: bad input is answered and starts nothing', () => {
	it.each([
		['malformed JSON', '{"id": 1,', 'application/json'],
		['malformed XML', '<a><b></a>', 'application/xml'],
		['billion laughs', '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "a"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>', 'text/xml'],
		['XXE', '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><f>&x;</f>', 'application/xml'],
		['JSON 10,000 levels deep', '['.repeat(10_000) + ']'.repeat(10_000), 'application/json'],
		['XML 10,000 levels deep', '<a>'.repeat(10_000) + '</a>'.repeat(10_000), 'application/xml'],
	])('%s, correctly signed → 400', async (_label, body, contentType) => {
		const received = await sendSigned(body, { 'content-type': contentType });
		expect(received.status).toBe(400);
		expect(errorCode(received)).toBe('malformed_body');
		startsNothing(received);
	});

	it('invalid UTF-8 → 400', async () => {
		const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
		const received = await sendSigned(body);
		expect(received.status).toBe(400);
		expect(JSON.parse(received.text)).toEqual({
			error: 'malformed_body',
			message: 'Body is not valid UTF-8; send its charset in Content-Type (for example charset=ISO-8859-1)',
		});
		startsNothing(received);
	});

	it('a body over the limit → 413, by Content-Length and mid-stream, and the connection is closed', async () => {
		const big = JSON.stringify({ pad: 'x'.repeat(5000) });
		const declared = await send(big, {}, { setup: { parameters: { settings: { maxBodySizeKb: 1 } } } });
		expect(declared.status).toBe(413);
		expect(declared.headers.connection).toBe('close');
		startsNothing(declared);
		const streamed = await send(big, {}, { setup: { parameters: { settings: { maxBodySizeKb: 1 } } }, chunked: true });
		expect(streamed.status).toBe(413);
		startsNothing(streamed);
	});

	it('XML past Options › Max XML Elements → 413 naming the limit', async () => {
		const xml = (count: number) => `<r>${'<a>1</a>'.repeat(count - 1)}</r>`;
		const setup = { parameters: { settings: { maxXmlElements: 3 } } };
		const within = await send(xml(3), { 'content-type': 'application/xml' }, { setup });
		expect(within.result?.workflowData?.[0][0].json.body).toEqual({ r: { a: ['1', '1'] } });
		const over = await send(xml(4), { 'content-type': 'application/xml' }, { setup });
		expect(over.status).toBe(413);
		expect(JSON.parse(over.text)).toMatchObject({
			error: 'xml_too_many_elements',
			message: expect.stringContaining('more than 3 elements'),
		});
		startsNothing(over);
	});

	it('a wrong Content-Type → 415', async () => {
		const received = await sendSigned('a,b,c', { 'content-type': 'application/x-custom' });
		expect(received.status).toBe(415);
		expect(errorCode(received)).toBe('unsupported_media_type');
		startsNothing(received);
	});

	it('a missing signature → 401', async () => {
		const received = await send('{"id":1}', {}, { setup: signedSetup() });
		expect(received.status).toBe(401);
		expect(JSON.parse(received.text)).toEqual({ error: 'unauthorized', message: 'Missing X-Webhook-Signature header' });
		startsNothing(received);
	});

	it('a garbage signature → 401', async () => {
		const received = await send('{"id":1}', { 'x-webhook-signature': 'not-a-signature\u00ff' }, { setup: signedSetup() });
		expect(received.status).toBe(401);
		startsNothing(received);
	});

	it('a signature over another body (tampered) → 401', async () => {
		const received = await send('{"amount":1000}', { 'x-webhook-signature': sign('{"amount":1}') }, { setup: signedSetup() });
		expect(received.status).toBe(401);
		startsNothing(received);
	});

	it('a duplicated signature header → 401, even when one copy is right', async () => {
		const body = '{"id":1}';
		const received = await send(body, { 'x-webhook-signature': [sign(body), 'forged'] }, { setup: signedSetup() });
		expect(received.status).toBe(401);
		expect(JSON.parse(received.text).message).toBe('Header X-Webhook-Signature was sent more than once');
		startsNothing(received);
	});

	it('malformed JSON without a signature → 401: nothing unauthenticated is parsed', async () => {
		const received = await send('{"id":', {}, { setup: signedSetup() });
		expect(received.status).toBe(401);
		startsNothing(received);
	});

	it('a client outside the IP allowlist → 403', async () => {
		const received = await send('{}', {}, { setup: { parameters: { settings: { ipAllowlist: '10.0.0.0/8' } } } });
		expect(received.status).toBe(403);
		startsNothing(received);
	});

	it('logs every rejection with its reason, and neither the secret nor the body', async () => {
		const received = await send('{"email":"secret-person@example.com"}', { 'x-webhook-signature': 'bad' }, { setup: signedSetup() });
		expect(received.logs).toEqual([
			expect.objectContaining({ level: 'warn', message: expect.stringContaining('rejected with 401 (unauthorized)') }),
		]);
		const logged = JSON.stringify(received.logs);
		expect(logged).not.toContain(SECRET);
		expect(logged).not.toContain('secret-person');
	});

	it('never throws: a failure inside is answered 500 and starts nothing', async () => {
		const received = await send('{}', {}, { setup: { ...signedSetup(), credential: new Error('credential missing') } });
		expect(received.status).toBe(500);
		startsNothing(received);
		expect(received.logs[0]).toMatchObject({ level: 'error' });
	});
});

describe('Inbound Webhook Trigger: handshakes and duplicates', () => {
	it('answers a challenge without starting the workflow', async () => {
		const received = await send('{"challenge":"c-42"}', {}, { setup: { parameters: { handshake: true } } });
		expect(received).toMatchObject({ status: 200, text: 'c-42' });
		expect(received.headers['content-type']).toBe('text/plain; charset=utf-8');
		startsNothing(received);
	});

	it('answers an unsigned query challenge when allowed before authentication', async () => {
		const parameters = { handshake: true, handshakeSource: 'query', handshakeField: 'hub.challenge', handshakeBeforeAuth: true };
		const received = await send('', {}, { setup: signedSetup(parameters), method: 'POST', path: '/webhook/test?hub.challenge=987' });
		expect(received).toMatchObject({ status: 200, text: '987' });
	});

	it('refuses a duplicate with 409, or acknowledges it with 200 and a flag, starting nothing', async () => {
		for (const [duplicateResponse, status, text] of [
			['reject', 409, '{"error":"duplicate","message":"This event was already received"}'],
			['acknowledge', 200, '{"received":true,"duplicate":true}'],
		] as const) {
			const staticData = {};
			const setup = { parameters: { deduplicate: true, duplicateResponse, eventIdPath: '$.id' }, staticData };
			const first = await send(`{"id":"evt-${duplicateResponse}"}`, {}, { setup });
			expect(first.result?.workflowData).toHaveLength(1);
			const again = await send(`{"id":"evt-${duplicateResponse}"}`, {}, { setup });
			expect(again).toMatchObject({ status, text });
			startsNothing(again);
			expect(JSON.stringify(staticData)).not.toContain(`evt-${duplicateResponse}`);
		}
	});

	it('gives an event id back when n8n could not store the execution, so the sender’s retry starts the workflow', async () => {
		const staticData = {};
		const setup = { parameters: { deduplicate: true, duplicateResponse: 'reject', eventIdPath: '$.id' }, staticData };
		const failed = await send('{"id":"evt-lost"}', {}, { setup: { ...setup, n8nStatus: 500 } });
		expect(failed.status).toBe(500);
		expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('event ids were given back') }));
		const retry = await send('{"id":"evt-lost"}', {}, { setup });
		expect(retry.result?.workflowData).toHaveLength(1);
		expect((await send('{"id":"evt-lost"}', {}, { setup })).status).toBe(409);
		// The sender gave up before n8n answered: no 'finish' comes, the id is given back all the same.
		scenario = { ...setup, n8nStatus: 500, n8nDelayMs: 300 };
		const gaveUp = await new Promise<string>((resolve) => {
			const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json' } });
			request.on('error', (error) => resolve(error.message));
			request.end('{"id":"evt-timeout"}', () => setTimeout(() => request.destroy(new Error('sender timed out')), 100));
		});
		expect(gaveUp).toBe('sender timed out');
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect((await send('{"id":"evt-timeout"}', {}, { setup })).result?.workflowData).toHaveLength(1);
		// A Response Code of 500 chosen for accepted requests is that, not n8n failing.
		const chosen = { ...setup, parameters: { ...setup.parameters, responseCode: 500 } };
		expect((await send('{"id":"evt-500"}', {}, { setup: { ...chosen, n8nStatus: 500 } })).status).toBe(500);
		expect((await send('{"id":"evt-500"}', {}, { setup: chosen })).status).toBe(409);
		// The trigger's own 500 (n8n's binary store failed): nothing started, whatever Respond says.
		const binary = {
			parameters: {
				...setup.parameters,
				responseMode: 'lastNode',
				eventIdSource: 'header',
				eventIdHeader: 'x-id',
				settings: { bodyType: 'binary' },
			},
			staticData,
		};
		expect((await send('file', { 'x-id': 'file-1' }, { setup: { ...binary, binaryStoreFails: true } })).status).toBe(500);
		expect((await send('file', { 'x-id': 'file-1' }, { setup: binary })).result?.workflowData).toHaveLength(1);
		// When Last Node Finishes: n8n's 5xx may be the workflow's own failure, recorded; the id is kept.
		const lastNode = { ...setup, parameters: { ...setup.parameters, responseMode: 'lastNode' } };
		await send('{"id":"evt-ran"}', {}, { setup: { ...lastNode, n8nStatus: 500 } });
		expect((await send('{"id":"evt-ran"}', {}, { setup: lastNode })).status).toBe(409);
	});

	it('starts the workflow for a request without an event id, flagged in meta and warned once in the log', async () => {
		// XML element names are lower-cased, so $.Event.Id finds nothing: the events pass, and say so.
		const setup = { parameters: { deduplicate: true, eventIdPath: '$.Event.Id' }, staticData: {} };
		const xml = { 'content-type': 'application/xml' };
		const first = await send('<Event><Id>E-1</Id></Event>', xml, { setup });
		const again = await send('<Event><Id>E-1</Id></Event>', xml, { setup });
		for (const received of [first, again]) {
			expect(received.result?.workflowData?.[0][0].json.meta).toMatchObject({ eventIdMissing: true });
		}
		const warnings = [...first.logs, ...again.logs].filter(({ level }) => level === 'warn');
		expect(warnings.map(({ message }) => message)).toEqual([
			expect.stringContaining('Inbound: Deduplicate Events is on, but a request had no event ID at $.Event.Id in the body'),
		]);
		const found = await send('<Event><Id>E-2</Id></Event>', xml, {
			setup: { ...setup, parameters: { ...setup.parameters, eventIdPath: '$.event.id' } },
		});
		expect(found.result?.workflowData?.[0][0].json.meta).toMatchObject({ eventId: 'E-2' });
		expect(found.result?.workflowData?.[0][0].json.meta).not.toHaveProperty('eventIdMissing');
	});

	it('logs a duplicate’s event id hashed, as the dedupe store keeps it, never as sent', async () => {
		const setup = { parameters: { deduplicate: true, duplicateResponse: 'reject', eventIdPath: '$.contact.email' }, staticData: {} };
		const body = '{"contact":{"email":"jane.doe@private.example"}}';
		await send(body, {}, { setup });
		const again = await send(body, {}, { setup });
		expect(again.status).toBe(409);
		expect(again.logs).toEqual([
			expect.objectContaining({
				meta: expect.objectContaining({ code: 'duplicate', eventIdHash: hashEventId('jane.doe@private.example') }),
			}),
		]);
		expect(JSON.stringify(again.logs)).not.toContain('jane.doe');
	});
});

describe('Inbound Webhook Trigger: description', () => {
	it('offers one tested credential per authentication choice', () => {
		const credentials = (node.description.credentials ?? []).filter((entry) => entry.displayOptions?.show?.authentication);
		expect(Object.fromEntries(credentials.map((entry) => [entry.displayOptions?.show?.authentication?.[0], entry.name]))).toEqual(
			CREDENTIAL_TYPES,
		);
		expect(credentials.every((entry) => entry.testedBy === 'webhookCredentialTest')).toBe(true);
	});

	it('offers a tested credential per shared dedupe store, shown only when deduplicating with it', () => {
		const stores = (node.description.credentials ?? []).filter((entry) => entry.displayOptions?.show?.dedupeStore);
		expect(stores.map((entry) => [entry.name, entry.displayOptions?.show, entry.testedBy])).toEqual([
			['webhookDedupeRedisApi', { deduplicate: [true], dedupeStore: ['redis'] }, 'dedupeStoreCredentialTest'],
			['webhookDedupePostgresApi', { deduplicate: [true], dedupeStore: ['postgres'] }, 'dedupeStoreCredentialTest'],
		]);
		expect(node.methods.credentialTest.dedupeStoreCredentialTest).toBeInstanceOf(Function);
	});

	it('takes body parsing over from n8n with a hidden options.binaryData default', () => {
		expect(node.description.version).toBe(1);
		expect(node.description.properties.find((property) => property.name === 'options')).toMatchObject({
			type: 'hidden',
			default: { binaryData: true },
		});
	});
});

describe('Inbound Webhook Trigger: publish-time validation', () => {
	const hook = (parameters: Parameters, credential: Record<string, unknown> = HMAC_CREDENTIAL, activationMode = 'activate') =>
		({
			getActivationMode: () => activationMode,
			getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
			getCredentials: async () => credential,
			getNode: () => ({ id: 'node1', name: 'Inbound', type: 't', typeVersion: 1, position: [0, 0], parameters: {} }),
			getWorkflow: () => ({ id: 'wf-publish' }),
			logger: { warn: (message: string) => warnings.push(message) },
		}) as unknown as IHookFunctions;
	let warnings: string[] = [];
	beforeEach(() => (warnings = []));
	const create = (parameters: Parameters, credential?: Record<string, unknown>) =>
		node.webhookMethods.default.create.call(hook(parameters, credential));

	const dedupeWith = (dedupeStore: string) => ({ authentication: 'signingSecret', deduplicate: true, dedupeStore });

	it('refuses a dedupe table or key prefix that is not a plain name, naming the field', async () => {
		const postgres = { host: 'db', port: 5432, database: 'n8n', user: 'n8n', table: 'x; DROP TABLE users' };
		await expect(node.webhookMethods.default.create.call(hook(dedupeWith('postgres'), postgres))).rejects.toThrow(
			/Dedupe Store credential: Table "x; DROP TABLE users" is not a plain name/,
		);
		const redis = { host: 'cache', port: 6379, keyPrefix: 'bad prefix*' };
		await expect(node.webhookMethods.default.create.call(hook(dedupeWith('redis'), redis))).rejects.toThrow(/Key Prefix "bad prefix\*"/);
	});

	it('warns once per node when it deduplicates with static data in queue mode', async () => {
		const previous = process.env.EXECUTIONS_MODE;
		process.env.EXECUTIONS_MODE = 'queue';
		try {
			await create(dedupeWith('staticData'));
			await create(dedupeWith('staticData'));
		} finally {
			if (previous === undefined) delete process.env.EXECUTIONS_MODE;
			else process.env.EXECUTIONS_MODE = previous;
		}
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/queue mode.*Redis or PostgreSQL/);
		await create(dedupeWith('staticData'));
		expect(warnings).toHaveLength(1);
	});

	it('accepts a valid configuration', async () => {
		await expect(create({ authentication: 'signingSecret', settings: { ipAllowlist: '10.0.0.0/8' } })).resolves.toBe(true);
		await expect(node.webhookMethods.default.checkExists.call(hook({}))).resolves.toBe(false);
		await expect(node.webhookMethods.default.delete.call(hook({}))).resolves.toBe(true);
	});

	it.each([
		[{ settings: { ipAllowlist: '10.0.0.0/8, 300.1.1.1' } }, 'Options › IP Allowlist: "300.1.1.1" is not an IP address or CIDR range'],
		[{ settings: { trustedProxies: 'my-proxy' } }, 'Options › Trusted Proxies: "my-proxy"'],
		[{ deduplicate: true, eventIdPath: 'id' }, 'Event ID: "id" must start with $'],
		[{ fieldMapping: { field: [{ name: 'email', path: '$.body[?(@.a=)]' }] } }, 'Field Mapping "email"'],
		[{ handshake: true, handshakeField: '' }, 'Challenge Field is empty'],
		[{ responseHeaders: { header: [{ name: 'Bad Header', value: 'x' }] } }, 'Response Headers: "Bad Header"'],
		[{ responseHeaders: { header: [{ name: 'X-Status', value: 'ok ✓' }] } }, 'Response Headers: the value of "X-Status" has a line break'],
		[{ responseCode: 99 }, 'Response Code 99 is not an HTTP status'],
		[{ responseCode: 100 }, 'Response Code 100 is informational: the sender would never get a final answer'],
		[
			{ responseHeaders: { header: [{ name: 'Content-Length', value: '3' }] } },
			'Response Headers: "Content-Length" is a header HTTP itself sets',
		],
		[
			{ fieldMapping: { field: [{ name: 'meta', path: '$.body.x' }] }, settings: { mappedFieldsOnly: true } },
			'Field Mapping: "meta" is the item\'s own field',
		],
	])('refuses %j naming the field', async (parameters, message) => {
		await expect(create(parameters)).rejects.toThrow(message);
	});

	it('only warns, at n8n’s startup, about checks added since a workflow was published, and refuses them on publish', async () => {
		const parameters = {
			responseHeaders: { header: [{ name: 'Transfer-Encoding', value: 'chunked' }] },
			fieldMapping: { field: [{ name: 'meta', path: '$.body.x' }] },
			settings: { mappedFieldsOnly: true },
		};
		await expect(node.webhookMethods.default.create.call(hook(parameters, HMAC_CREDENTIAL, 'init'))).resolves.toBe(true);
		expect(warnings).toEqual([
			expect.stringContaining('Response Headers: "Transfer-Encoding" is a header HTTP itself sets; remove it (the workflow stays active'),
			expect.stringContaining('Field Mapping: "meta" is the item\'s own field'),
		]);
		await expect(node.webhookMethods.default.create.call(hook(parameters, HMAC_CREDENTIAL, 'update'))).rejects.toThrow(
			'Response Headers: "Transfer-Encoding" is a header HTTP itself sets',
		);
		// Connection and the like are harmless in an answer, and were accepted before.
		await expect(create({ responseHeaders: { header: [{ name: 'Connection', value: 'close' }] } })).resolves.toBe(true);
	});

	it('reports credential problems', async () => {
		await expect(create({ authentication: 'signingSecret' }, { scheme: 'hmac', secret: '' })).rejects.toThrow(
			'Credential: Secret is empty',
		);
	});

	it('refuses a preset with a whpk_ public key as the secret of its HMAC, and an HMAC credential holding one', async () => {
		const problem = 'Credential: Secret is a Standard Webhooks whpk_/whsk_ key, but this signature is an HMAC over a shared secret';
		const receiveOnly = { scheme: 'standardWebhooks', secret: SIGNET_VECTOR.publicKey };
		await expect(create({ authentication: 'signingSecret', signaturePreset: 'github' }, receiveOnly)).rejects.toThrow(problem);
		const refusal = await create(
			{ authentication: 'signingSecret', signaturePreset: 'github' },
			{ scheme: 'hmac', secret: SIGNET_VECTOR.publicKey },
		).catch((error: Error) => error.message);
		expect(String(refusal).split(problem)).toHaveLength(2);
		await expect(create({ authentication: 'signingSecret' }, receiveOnly)).resolves.toBe(true);
	});
});
