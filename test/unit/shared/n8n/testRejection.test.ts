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
 * A request answered as the sender expects that starts nothing: a repeat ends the test run (a CRM's "send test"
 * usually resends one event ID, and the editor would otherwise spin on); a handshake or an event not chosen in
 * Events keeps it listening, as n8n does for setup requests and pings, since the wanted event may come next.
 */
describe('an answered request that starts nothing in a test run', () => {
	const signed = (payload: string) => ({
		'content-type': 'application/json',
		'x-webhook-signature': createHmac('sha256', secret).update(payload).digest('hex'),
	});
	const thrown = (server: WebhookServer) => server.logs.filter((log) => log.level === 'thrown').map((log) => log.message);

	async function crmServer(mode: 'manual' | 'webhook', parameters: Record<string, unknown> = {}) {
		const server = await serveWebhook(new CrmEventTrigger(), { ...setup(mode), parameters: { ...setup(mode).parameters, ...parameters } });
		servers.push(server);
		return server;
	}
	const sendTwice = async (server: WebhookServer) => {
		const statuses = [];
		for (let sent = 0; sent < 2; sent++) statuses.push((await fetch(server.url, { method: 'POST', headers: signed(body), body })).status);
		return statuses;
	};

	it('ends the test run when an event repeats, after the sender has its 200, naming the setting', async () => {
		const server = await crmServer('manual');
		expect(await sendTwice(server)).toEqual([200, 200]);
		expect(thrown(server)).toEqual([
			'Test request answered 200 but started nothing: its event ID was received before. Send a new event, or turn deduplication off while testing (Deduplicate, or Options › Deduplicate Events).',
		]);
	});

	it('ends the test run with a 409 when repeats are refused, without saying the same thing twice', async () => {
		const server = await crmServer('manual', { settings: { duplicateResponse: 'reject' } });
		expect(await sendTwice(server)).toEqual([200, 409]);
		expect(thrown(server)).toEqual([
			'Test request rejected with 409: This event was already received. Send a new event, or turn deduplication off while testing (Deduplicate, or Options › Deduplicate Events).',
		]);
	});

	it('ends the test run with a 400 for a body the CRM mapping cannot read', async () => {
		const server = await crmServer('manual');
		const unreadable = JSON.stringify({ id: 'evt_2', data: {} });
		expect((await fetch(server.url, { method: 'POST', headers: signed(unreadable), body: unreadable })).status).toBe(400);
		expect(thrown(server)).toEqual([expect.stringMatching(/^Test request rejected with 400: /)]);
	});

	it('keeps listening after an event not chosen in Events, and after a handshake', async () => {
		const crm = await crmServer('manual', { events: ['lead.created'] });
		expect((await fetch(crm.url, { method: 'POST', headers: signed(body), body })).status).toBe(200);
		const inbound = await serveWebhook(new InboundWebhookTrigger(), {
			mode: 'manual',
			parameters: { httpMethod: ['GET', 'POST'], authentication: 'none', handshake: true, handshakeSource: 'query' },
		});
		servers.push(inbound);
		const response = await fetch(`${inbound.url}?challenge=abc123`);
		expect([response.status, await response.text()]).toEqual([200, 'abc123']);
		expect([...thrown(crm), ...thrown(inbound)]).toEqual([]);
		expect([...crm.results, ...inbound.results]).toEqual([{ noWebhookResponse: true }, { noWebhookResponse: true }]);
	});

	it('throws nothing in production for a repeat', async () => {
		const server = await crmServer('webhook');
		expect(await sendTwice(server)).toEqual([200, 200]);
		expect(thrown(server)).toEqual([]);
		expect(server.results[1]).toEqual({ noWebhookResponse: true });
	});
});
