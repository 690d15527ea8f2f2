import { createHmac } from 'node:crypto';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { InboundWebhookTrigger } from '../../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';
import type { WebhookServer, WebhookSetup } from '../../nodes/webhookServer';
import { serveWebhook } from '../../nodes/webhookServer';

/**
 * A refused request while the editor listens for a test event: the sender gets its 401, then
 * webhook() throws so that n8n ends the test run with the reason. In production nothing is thrown.
 */
const secret = 'test-mode-secret';
const setup = (mode: 'manual' | 'webhook'): WebhookSetup => ({
	mode,
	parameters: { crm: 'salesOs', authentication: 'signingSecret', events: [], settings: {} },
	credentials: {
		webhookSigningSecretApi: { scheme: 'hmac', secret, hmacHeaderName: 'X-Webhook-Signature', algorithm: 'sha256', encoding: 'hex' },
	},
});
const body = JSON.stringify({ id: 'evt_1', event: 'opportunity.won', data: {} });
const servers: WebhookServer[] = [];
afterAll(async () => await Promise.all(servers.map(async (server) => await server.close())));

async function forge(mode: 'manual' | 'webhook') {
	const server = await serveWebhook(new CrmEventTrigger(), setup(mode));
	servers.push(server);
	const response = await fetch(server.url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-webhook-signature': createHmac('sha256', 'guess').update(body).digest('hex') },
		body,
	});
	return { server, status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('a rejected request in a test run', () => {
	it('answers the sender 401, then ends the test run with the reason', async () => {
		const { server, status, json } = await forge('manual');
		expect([status, json.error]).toEqual([401, 'unauthorized']);
		expect(server.logs.filter((log) => log.level === 'thrown')).toEqual([
			{
				level: 'thrown',
				message: expect.stringMatching(/^Test request rejected with 401: .*does not match.*\. Check that the credential holds the secret/),
			},
		]);
	});

	it('throws nothing in production, where a throw would start an execution', async () => {
		const { server, status } = await forge('webhook');
		expect(status).toBe(401);
		expect(server.logs.some((log) => log.level === 'thrown')).toBe(false);
		expect(server.results).toEqual([{ noWebhookResponse: true }]);
	});
});

/**
 * A request answered as the sender expects that starts nothing (a repeat, an event outside Events, a handshake):
 * without a throw the editor would go on listening with no sign that it arrived.
 */
describe('an answered request that starts nothing in a test run', () => {
	const signed = (payload: string) => ({
		'content-type': 'application/json',
		'x-webhook-signature': createHmac('sha256', secret).update(payload).digest('hex'),
	});
	const thrown = (server: WebhookServer) => server.logs.filter((log) => log.level === 'thrown').map((log) => log.message);

	async function crmServer(mode: 'manual' | 'webhook', events: string[] = []) {
		const server = await serveWebhook(new CrmEventTrigger(), { ...setup(mode), parameters: { ...setup(mode).parameters, events } });
		servers.push(server);
		return server;
	}

	it('ends the test run when an event repeats, after the sender has its 200', async () => {
		const server = await crmServer('manual');
		for (let sent = 0; sent < 2; sent++) {
			const response = await fetch(server.url, { method: 'POST', headers: signed(body), body });
			expect(response.status).toBe(200);
		}
		expect(thrown(server)).toEqual([
			expect.stringMatching(/^Test request answered 200 but started nothing: its event ID was received before/),
		]);
	});

	it('ends the test run naming the event and the Events setting when the event is filtered out', async () => {
		const server = await crmServer('manual', ['lead.created']);
		expect((await fetch(server.url, { method: 'POST', headers: signed(body), body })).status).toBe(200);
		expect(thrown(server)).toEqual([
			'Test request answered 200 but started nothing: the request held opportunity.won, and Events is set to lead.created. Choose the event there, or leave Events empty to start on every event.',
		]);
	});

	it('ends the test run after answering a handshake', async () => {
		const server = await serveWebhook(new InboundWebhookTrigger(), {
			mode: 'manual',
			parameters: { httpMethod: ['GET', 'POST'], authentication: 'none', handshake: true, handshakeSource: 'query' },
		});
		servers.push(server);
		const response = await fetch(`${server.url}?challenge=abc123`);
		expect([response.status, await response.text()]).toEqual([200, 'abc123']);
		expect(thrown(server)).toEqual([
			expect.stringMatching(/^Test request answered 200 but started nothing: it was the sender’s verification handshake/),
		]);
	});

	it('throws nothing in production for the same requests', async () => {
		const server = await crmServer('webhook', ['lead.created']);
		expect((await fetch(server.url, { method: 'POST', headers: signed(body), body })).status).toBe(200);
		expect(thrown(server)).toEqual([]);
		expect(server.results).toEqual([{ noWebhookResponse: true }]);
	});
});
