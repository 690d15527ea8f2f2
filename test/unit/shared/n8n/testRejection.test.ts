import { createHmac } from 'node:crypto';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
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
			{ level: 'thrown', message: expect.stringMatching(/^Test request rejected with 401: .*does not match/) },
		]);
	});

	it('throws nothing in production, where a throw would start an execution', async () => {
		const { server, status } = await forge('webhook');
		expect(status).toBe(401);
		expect(server.logs.some((log) => log.level === 'thrown')).toBe(false);
		expect(server.results).toEqual([{ noWebhookResponse: true }]);
	});
});
