import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { SALESFORCE_ACK } from '../../../../nodes/shared/crm/salesforce';
import type { WebhookServer, WebhookSetup } from '../webhookServer';
import { lastItems, webhookServers } from '../webhookServer';

/**
 * The answers a CRM waits for, through webhook(): Salesforce's SOAP Ack as text/xml for accepted, repeated and
 * filtered-out messages and a 403 for another organization; Pipedrive's 401 with a Basic challenge.
 */
const fixture = (profile: string, file: string) => readFileSync(join(__dirname, '../../../fixtures/crm', profile, file));
const trigger = new CrmEventTrigger();
const serve = webhookServers(trigger);

async function post(server: WebhookServer, body: Buffer | string, headers: Record<string, string>) {
	const response = await fetch(server.url, { method: 'POST', headers, body });
	return {
		status: response.status,
		contentType: response.headers.get('content-type'),
		headers: response.headers,
		text: await response.text(),
	};
}

const ORG_ID = '00D5g000004ABCDEA4';
const soap = fixture('salesforce', 'opportunity-notifications.xml');
const xmlHeaders = { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' };
const salesforceSetup = (parameters: Record<string, unknown> = {}): WebhookSetup => ({
	parameters: { crm: 'salesforce', authentication: 'builtIn', salesforceOrganizationId: ORG_ID, events: [], settings: {}, ...parameters },
});

describe('CRM Event Trigger webhook(): Salesforce outbound messages', () => {
	it('starts one item per notification, with field names as sent, and answers the SOAP Ack as text/xml', async () => {
		const server = await serve(salesforceSetup());
		const response = await post(server, soap, xmlHeaders);
		expect(response).toMatchObject({ status: 200, contentType: 'text/xml; charset=utf-8', text: SALESFORCE_ACK });
		expect(lastItems(server)).toEqual([
			expect.objectContaining({
				event: 'opportunity.outbound_message',
				eventId: '04l5g00000AbCdEAAV',
				data: expect.objectContaining({ StageName: 'Closed Won', Amount: '125000.0' }),
				meta: expect.objectContaining({ verifiedBy: 'salesforce-organization-id' }),
			}),
			expect.objectContaining({ eventId: '04l5g00000AbCdFAAV' }),
		]);
	});

	it('acknowledges a redelivered message with the same Ack and starts nothing', async () => {
		const server = await serve(salesforceSetup());
		await post(server, soap, xmlHeaders);
		const repeated = await post(server, soap, xmlHeaders);
		expect(repeated).toMatchObject({ status: 200, contentType: 'text/xml; charset=utf-8', text: SALESFORCE_ACK });
		expect(lastItems(server)).toBeUndefined();
	});

	it('acknowledges messages outside the event filter without starting the workflow', async () => {
		const server = await serve(salesforceSetup({ events: ['account.outbound_message'] }));
		expect(await post(server, soap, xmlHeaders)).toMatchObject({ status: 200, text: SALESFORCE_ACK });
		expect(lastItems(server)).toBeUndefined();
	});

	it('refuses another organization with 403 and starts nothing', async () => {
		const server = await serve(salesforceSetup({ salesforceOrganizationId: '00D5g000004ABCEEA4' }));
		const response = await post(server, soap, xmlHeaders);
		expect(response).toMatchObject({ status: 403 });
		expect(JSON.parse(response.text)).toEqual({ error: 'forbidden', message: 'The message comes from another Salesforce organization' });
		expect(lastItems(server)).toBeUndefined();
	});

	it('keeps the session ID out of Include Raw Request', async () => {
		const server = await serve(salesforceSetup({ settings: { includeRawRequest: true } }));
		await post(server, soap, xmlHeaders);
		const [first] = lastItems(server) ?? [];
		expect(JSON.stringify(first)).not.toContain('Fake.Session');
		expect((first.request as { body: string }).body).toContain('<SessionId>[redacted]</SessionId>');
	});
});

describe('CRM Event Trigger webhook(): Pipedrive', () => {
	const setup: WebhookSetup = {
		parameters: { crm: 'pipedrive', authentication: 'basicAuth', events: [], settings: {} },
		credentials: { webhookBasicAuthApi: { user: 'pipedrive', password: 'webhook-pass' } },
	};
	const body = fixture('pipedrive', 'deal-change-v2.json');
	const basic = (password: string) => ({
		'content-type': 'application/json',
		authorization: `Basic ${Buffer.from(`pipedrive:${password}`).toString('base64')}`,
	});

	it('starts the workflow for the subscription’s Basic credentials', async () => {
		const server = await serve(setup);
		expect(await post(server, body, basic('webhook-pass'))).toMatchObject({ status: 200 });
		expect(lastItems(server)).toEqual([expect.objectContaining({ event: 'deal.updated', object: { type: 'deal', id: '746' } })]);
	});

	it('answers a wrong or missing password 401 with WWW-Authenticate, and starts nothing', async () => {
		const server = await serve(setup);
		const wrong = await post(server, body, basic('guess'));
		expect(wrong.status).toBe(401);
		expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="n8n webhook", charset="UTF-8"');
		const missing = await post(server, body, { 'content-type': 'application/json' });
		expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, 'Basic realm="n8n webhook", charset="UTF-8"']);
		expect(lastItems(server)).toBeUndefined();
	});
});
