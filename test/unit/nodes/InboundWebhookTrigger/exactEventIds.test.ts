import { InboundWebhookTrigger } from '../../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';
import type { WebhookServer } from '../webhookServer';
import { lastItems, webhookServers } from '../webhookServer';

/**
 * Deduplication on a 64-bit numeric id through the node's webhook(), in n8n-core's real webhook
 * context: ids JSON.parse rounds to one number are still two events.
 */
const serve = webhookServers(new InboundWebhookTrigger());

const post = async (server: WebhookServer, body: string) => {
	const response = await fetch(`${server.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	return { status: response.status, text: await response.text() };
};

describe('Inbound Webhook Trigger: numeric event ids beyond 2^53', () => {
	it('starts both events whose ids differ only past 2^53, and still drops a true repeat', async () => {
		const server = await serve({
			parameters: { httpMethod: ['POST'], authentication: 'none', deduplicate: true, eventIdPath: '$.id', duplicateResponse: 'reject' },
		});
		expect((await post(server, '{"id":1234567890123456789,"amount":1}')).status).toBe(200);
		expect(lastItems(server)).toEqual([
			expect.objectContaining({
				body: { id: 1234567890123456800, amount: 1 },
				meta: expect.objectContaining({ eventId: '1234567890123456789' }),
			}),
		]);

		expect((await post(server, '{"id":1234567890123456790,"amount":999}')).status).toBe(200);
		expect(lastItems(server)).toEqual([
			expect.objectContaining({
				body: { id: 1234567890123456800, amount: 999 },
				meta: expect.objectContaining({ eventId: '1234567890123456790' }),
			}),
		]);

		expect(await post(server, '{"id":1234567890123456790,"amount":999}')).toMatchObject({
			status: 409,
			text: expect.stringContaining('duplicate'),
		});
		expect(lastItems(server)).toBeUndefined();
	});
});
