import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import type { WebhookServer } from '../webhookServer';
import { lastItems, webhookServers } from '../webhookServer';

/** Numeric ids beyond 2^53 through the node's webhook(), in n8n-core's real webhook context, with its dedupe on. */
const serve = webhookServers(new CrmEventTrigger());

const post = async (server: WebhookServer, body: string) => {
	const response = await fetch(`${server.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

describe('CRM Event Trigger: numeric ids beyond 2^53', () => {
	it('starts both events whose ids differ only past 2^53, with the ids as sent, and drops a true repeat', async () => {
		const server = await serve({ parameters: { crm: 'custom', authentication: 'none' } });
		const body = (id: string, n: number) => `{"id":${id},"type":"order.created","data":{"id":${id},"n":${n}}}`;

		expect((await post(server, body('1234567890123456789', 1))).status).toBe(200);
		expect(lastItems(server)).toEqual([
			expect.objectContaining({ eventId: '1234567890123456789', object: { type: 'order', id: '1234567890123456789' } }),
		]);
		expect((await post(server, body('1234567890123456790', 2))).status).toBe(200);
		expect(lastItems(server)).toEqual([
			expect.objectContaining({ eventId: '1234567890123456790', data: { id: 1234567890123456800, n: 2 } }),
		]);

		expect(await post(server, body('1234567890123456790', 2))).toMatchObject({ status: 200, json: { duplicate: true } });
		expect(lastItems(server)).toBeUndefined();
	});
});
