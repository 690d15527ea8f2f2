/**
 * The free-text event filter of the CRMs without an event list (Standard Webhooks, Custom): a user types
 * the sender's own type or the canonical name it becomes, and either starts the workflow for that type.
 * Real n8n-core WebhookContext behind a loopback server.
 */
import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import type { WebhookServer } from '../webhookServer';
import { lastItems, webhookServers } from '../webhookServer';

const serve = webhookServers(new CrmEventTrigger());

const post = async (server: WebhookServer, body: unknown, headers: Record<string, string> = {}) => {
	const response = await fetch(server.url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	return { status: response.status, text: await response.text() };
};

const standardWebhook = (server: WebhookServer, type: string) =>
	post(server, { type, timestamp: '2025-01-01T00:00:00Z', data: { id: 'x1' } }, { 'webhook-id': `msg_${type}` });

describe('CRM Event Trigger: Event Names for CRMs without an event list', () => {
	it.each([
		['organizationMembership.created', 'organizationMembership.created', 'organization_membership.created'],
		['invoice.payment-failed', 'invoice.payment-failed', 'invoice_payment.failed'],
		['ping', 'ping', 'event.ping'],
		['the canonical name', 'event.ping', 'event.ping'],
	])('Standard Webhooks: a filter naming %s starts the workflow for that type', async (_case, typed, canonical) => {
		const type = canonical === 'event.ping' ? 'ping' : typed;
		const server = await serve({ parameters: { crm: 'standardWebhooks', authentication: 'none', eventNames: typed } });
		expect((await standardWebhook(server, type)).status).toBe(200);
		expect(lastItems(server)).toEqual([expect.objectContaining({ event: canonical, sourceEvent: type })]);
	});

	it('Standard Webhooks: another type is still filtered out', async () => {
		const server = await serve({ parameters: { crm: 'standardWebhooks', authentication: 'none', eventNames: 'ping' } });
		expect(await standardWebhook(server, 'organizationMembership.created')).toMatchObject({ status: 200 });
		expect(server.results.filter((result) => result.workflowData)).toHaveLength(0);
	});

	it('Custom: a filter naming the sender type contact.propertyChange starts the workflow', async () => {
		const server = await serve({ parameters: { crm: 'custom', authentication: 'none', eventNames: 'contact.propertyChange' } });
		await post(server, { id: 'e1', type: 'contact.propertyChange', data: { id: 'c1' } });
		expect(lastItems(server)).toEqual([expect.objectContaining({ sourceEvent: 'contact.propertyChange' })]);
	});
});
