/**
 * The Outbound Webhook node with OAuth2 client credentials against a real token endpoint and a
 * real receiver on 127.0.0.1: one token for many deliveries, one refresh on a 401, and clear
 * failures for a token endpoint that answers garbage or cannot be reached.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ICredentialTestFunctions, INodeExecutionData } from 'n8n-workflow';

import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';
import { oauth2CredentialTest } from '../../../nodes/shared/n8n/credentialTests';
import { clearTokens } from '../../../nodes/shared/outbound/oauth2';
import { destroyAgents } from '../../../nodes/shared/outbound/transport';
import { fakeContext } from './fakeContext';

const node = new OutboundWebhook();

/** The token endpoint: issues tok-1, tok-2, … and records each token request's form. */
const tokenRequests: URLSearchParams[] = [];
let tokenAnswer: 'json' | 'garbage' | 'cut' | 'hang' | 'slowError' = 'json';
/** Statuses the token endpoint answers before it issues tokens again (a busy authorization server). */
const tokenRefusals: number[] = [];
/** Tokens the receiver accepts; a test revokes one by removing it. */
const validTokens = new Set<string>();
/** A receiver that refuses every token (a permission the client lacks). */
let refuseEveryToken = false;
/** A receiver that quotes the token it refused in its answer. */
let echoRefusedToken = false;
let tokenPrefix = 'tok-';
const received: string[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			if (req.url === '/token') {
				tokenRequests.push(new URLSearchParams(Buffer.concat(chunks).toString()));
				if (tokenAnswer === 'hang') return;
				if (tokenAnswer === 'slowError') {
					setTimeout(() => res.writeHead(500).end(), 200);
					return;
				}
				const refusal = tokenRefusals.shift();
				if (refusal !== undefined) {
					res.writeHead(refusal, { 'content-type': 'application/json' }).end('{"error":"slow_down"}');
					return;
				}
				if (tokenAnswer === 'garbage') {
					res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
					return;
				}
				if (tokenAnswer === 'cut') {
					res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' }).write('{"access_token":"tok-cu');
					setTimeout(() => res.socket?.destroy(), 20);
					return;
				}
				const token = `${tokenPrefix}${tokenRequests.length}`;
				validTokens.add(token);
				res
					.writeHead(200, { 'content-type': 'application/json' })
					.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
				return;
			}
			const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
			received.push(token);
			if (!refuseEveryToken && validTokens.has(token)) res.writeHead(200).end();
			else res.writeHead(401, { 'content-type': 'application/json' }).end(echoRefusedToken ? JSON.stringify({ refused: token }) : '');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	destroyAgents();
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
	clearTokens();
	tokenRequests.length = 0;
	received.length = 0;
	validTokens.clear();
	tokenAnswer = 'json';
	tokenRefusals.length = 0;
	refuseEveryToken = false;
	echoRefusedToken = false;
	tokenPrefix = 'tok-';
});

const credential = (overrides: Record<string, unknown> = {}) => ({
	tokenUrl: `${base}/token`,
	clientId: 'n8n-client',
	clientSecret: 'client-secret-1',
	scope: 'webhooks.write',
	...overrides,
});

function run(count: number, data = credential(), connectedOutputs?: number[], parameters: Record<string, unknown> = {}) {
	const items: INodeExecutionData[] = Array.from({ length: count }, (_, n) => ({ json: { n } }));
	const { context, logs } = fakeContext(
		{ method: 'POST', url: `${base}/hook`, authentication: 'oauth2ClientCredentials', retry: { maxAttempts: 1 }, ...parameters },
		items,
		{ credentials: { webhookClientOAuth2Api: data }, connectedOutputs },
	);
	return { run: () => node.execute.call(context), logs };
}

describe('Outbound Webhook with OAuth2 client credentials', () => {
	it('fetches one token for every item and every later run, and never shows it', async () => {
		const first = run(50);
		const [delivered] = await first.run();
		const [again] = await run(10).run();
		expect(delivered).toHaveLength(50);
		expect(again).toHaveLength(10);
		expect(tokenRequests).toHaveLength(1);
		expect(Object.fromEntries(tokenRequests[0])).toEqual({
			grant_type: 'client_credentials',
			scope: 'webhooks.write',
			client_id: 'n8n-client',
			client_secret: 'client-secret-1',
		});
		expect(new Set(received)).toEqual(new Set(['tok-1']));
		const shown = JSON.stringify([delivered, again, first.logs]);
		expect(shown).not.toContain('tok-1');
		expect(shown).not.toContain('client-secret-1');
	});

	it('fetches a new token once when the receiver answers 401, and delivers', async () => {
		await run(1).run();
		validTokens.delete('tok-1');
		const [delivered, , failed] = await run(3).run();
		expect(failed).toHaveLength(0);
		expect(delivered).toHaveLength(3);
		expect(tokenRequests).toHaveLength(2);
		expect(received.filter((token) => token === 'tok-2')).toHaveLength(3);
	});

	it('asks for a new token once, not once per item, when the receiver refuses fresh tokens too', async () => {
		refuseEveryToken = true;
		const [delivered, , failed] = await run(20).run();
		expect(delivered).toHaveLength(0);
		expect(failed).toHaveLength(20);
		expect(tokenRequests).toHaveLength(2);
		// Items sent with the first token try the new one once; every item sends the new one once, and no third is fetched.
		expect(received.filter((token) => token === 'tok-2')).toHaveLength(20);
		expect(received.every((token) => token === 'tok-1' || token === 'tok-2')).toBe(true);
	});

	it('masks the access tokens it sent where the node’s error quotes a receiver that echoes them', async () => {
		refuseEveryToken = true;
		echoRefusedToken = true;
		tokenPrefix = 'access-token-';
		const failure = await run(1, credential(), [0])
			.run()
			.catch((error: Error) => error);
		expect((failure as Error).message).toMatch(/Receiver answered: \{"refused":"\*\*\*"\}$/);
		expect(received).toEqual(['access-token-1', 'access-token-2']);
	});

	it('fails the items with a message naming the credential when the token endpoint answers garbage', async () => {
		tokenAnswer = 'garbage';
		const [, , failed] = await run(2).run();
		expect(failed.map((item) => item.json.error)).toEqual([
			{
				code: 'ERR_OAUTH2_TOKEN',
				message: expect.stringMatching(/^OAuth2 credential: the Token URL did not answer JSON with an access_token/),
			},
			{ code: 'ERR_OAUTH2_TOKEN', message: expect.stringMatching(/^OAuth2 credential: the Token URL did not answer JSON/) },
		]);
		expect(received).toEqual([]);
	});

	it('retries, as for no answer, when the token endpoint’s answer stops mid-body', async () => {
		tokenAnswer = 'cut';
		const [, , failed] = await run(1).run();
		// One attempt allowed here: a retryable error "gives up"; one that waiting cannot fix says "Not retried".
		expect(failed[0].json.error).toMatchObject({
			code: 'ERR_OAUTH2_TOKEN',
			message:
				"OAuth2 credential: the Token URL's answer stopped early (the connection closed before the rest of the body arrived) Gave up after 1 attempt.",
		});
		expect(received).toEqual([]);
	});

	it('shares a failed token fetch among the items waiting for it, instead of each asking again behind the last', async () => {
		tokenAnswer = 'slowError';
		const [, , failed] = await run(10).run();
		expect(failed).toHaveLength(10);
		expect(tokenRequests).toHaveLength(1);
	});

	it('gives a token endpoint that does not answer the node’s Timeout, not more', async () => {
		tokenAnswer = 'hang';
		const [, , failed] = await run(2, credential(), undefined, { options: { timeout: 1 } }).run();
		expect(failed.map((item) => (item.json.error as { message: string }).message)).toEqual([
			expect.stringContaining('No complete answer within 1 s'),
			expect.stringContaining('No complete answer within 1 s'),
		]);
		expect(tokenRequests).toHaveLength(1);
	});

	it('retries a token endpoint that answers 429, as a busy one, without blaming the credential', async () => {
		tokenRefusals.push(429);
		const [delivered] = await run(1, credential(), undefined, { retry: { maxAttempts: 2, baseDelay: 0.01 } }).run();
		expect(delivered).toHaveLength(1);
		expect(tokenRequests).toHaveLength(2);
		tokenRefusals.push(429);
		clearTokens();
		const [, , failed] = await run(1).run();
		expect((failed[0].json.error as { message: string }).message).toBe(
			'OAuth2 credential: the Token URL answered HTTP 429: slow_down Gave up after 1 attempt.',
		);
	});

	it('fails the items naming the Token URL when the token endpoint cannot be reached', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const [, , failed] = await run(1, credential({ tokenUrl: `http://127.0.0.1:${port}/token` })).run();
		expect(failed[0].json.error).toMatchObject({
			message: expect.stringMatching(/^OAuth2 credential: the Token URL could not be reached \(ECONNREFUSED\)/),
		});
	});

	it('sends the client ID and secret in a Basic header when the credential says so', async () => {
		await run(1, credential({ sendCredentialsIn: 'header' })).run();
		expect(Object.fromEntries(tokenRequests[0])).toEqual({ grant_type: 'client_credentials', scope: 'webhooks.write' });
	});

	it('fails the node before sending, naming the field, for a credential without a Token URL', async () => {
		await expect(run(1, credential({ tokenUrl: '' })).run()).rejects.toThrow(/OAuth2 credential is not usable: .*Token URL/);
		expect(tokenRequests).toHaveLength(0);
	});
});

describe('oauth2CredentialTest', () => {
	const test = (data: Record<string, string>) =>
		oauth2CredentialTest.call({} as ICredentialTestFunctions, { id: '1', name: 'OAuth2', type: 'webhookClientOAuth2Api', data });

	it('fetches a token with the values, and reports a token endpoint that refuses them', async () => {
		expect(await test(credential())).toEqual({ status: 'OK', message: 'The Token URL issued an access token' });
		tokenAnswer = 'garbage';
		expect(await test(credential())).toMatchObject({ status: 'Error', message: expect.stringMatching(/did not answer JSON/) });
		expect(await test(credential({ clientId: '' }))).toEqual({ status: 'Error', message: 'Client ID: empty' });
	});

	it('fetches afresh for the tested credential only: other credentials keep their tokens', async () => {
		await run(1).run();
		expect(await test(credential({ clientId: 'another-client' }))).toMatchObject({ status: 'OK' });
		await run(1).run();
		expect(tokenRequests.map((form) => form.get('client_id'))).toEqual(['n8n-client', 'another-client']);
	});
});
