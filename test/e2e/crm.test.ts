import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { Webhook } from 'standardwebhooks';

import type { CredentialJson, Json, TestN8n, WorkflowJson } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';

/**
 * The CRM Event Trigger in a real n8n: one workflow per CRM profile receives its CRM's real-shaped,
 * correctly authenticated request and produces the normalised event; a forged request and a
 * duplicate start nothing. Executions are counted through n8n's REST API.
 */
const fixture = (profile: string, file: string) => fs.readFileSync(path.join(__dirname, '../fixtures/crm', profile, file));
const TRIGGER = 'CRM Event Trigger';

const SALESOS_SECRET = 'e2e-salesos-secret';
const ATTIO_SECRET = 'e2e-attio-webhook-secret';
// Close gives its signature_key as hex; the HMAC key is the decoded bytes.
const CLOSE_KEY = '5e1f'.repeat(16);
// Zoho echoes the channel's token in the body; the fixture carries the one of Zoho's documentation example.
const ZOHO_TOKEN = 'TOKEN_FOR_VERIFICATION_OF_1000000068001';
const DATAVERSE_KEY = 'e2e-dataverse-key-3c9d';
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const highLevelKeys = generateKeyPairSync('ed25519');
const basicAuth = `Basic ${Buffer.from('crm-user:crm-pass').toString('base64')}`;

const credentials: CredentialJson[] = [
	{ id: 'crmSalesOs000001', name: 'SalesOS', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: SALESOS_SECRET } },
	{
		id: 'crmLeadSquared01',
		name: 'LeadSquared',
		type: 'webhookApiKeyApi',
		data: { location: 'header', name: 'X-LSQ-Secret', apiKey: 'lsq-e2e-secret' },
	},
	{ id: 'crmBasic00000001', name: 'Basic', type: 'webhookBasicAuthApi', data: { user: 'crm-user', password: 'crm-pass' } },
	{ id: 'crmAttio00000001', name: 'Attio', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: ATTIO_SECRET } },
	{ id: 'crmClose00000001', name: 'Close', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: CLOSE_KEY } },
	// Send In and Name as left by the user: the Zoho profile reads the token from the body, Dataverse's type decides.
	{ id: 'crmZoho000000001', name: 'Zoho', type: 'webhookApiKeyApi', data: { location: 'header', name: 'X-API-Key', apiKey: ZOHO_TOKEN } },
	{
		id: 'crmDynamics00001',
		name: 'Dataverse',
		type: 'webhookApiKeyApi',
		data: { location: 'header', name: 'X-Dataverse-Key', apiKey: DATAVERSE_KEY },
	},
	{ id: 'crmStandard00001', name: 'Standard', type: 'webhookSigningSecretApi', data: { scheme: 'standardWebhooks', secret: SW_SECRET } },
	{ id: 'crmBearer0000001', name: 'Bearer', type: 'webhookBearerTokenApi', data: { token: 'custom-e2e-token' } },
];

const CREDENTIAL_OF: Record<string, [string, string] | undefined> = {
	signingSecret: ['webhookSigningSecretApi', ''],
	apiKey: ['webhookApiKeyApi', 'crmLeadSquared01'],
	basicAuth: ['webhookBasicAuthApi', 'crmBasic00000001'],
	bearerToken: ['webhookBearerTokenApi', 'crmBearer0000001'],
};

function crmWorkflow(id: string, parameters: Json, credentialId?: string): WorkflowJson {
	const credential = CREDENTIAL_OF[parameters.authentication as string];
	return workflow(
		id,
		[
			pkgNode('crmEventTrigger', {
				name: TRIGGER,
				webhookId: `${parameters.path as string}-id`,
				parameters,
				...(credential ? { credentials: { [credential[0]]: { id: credentialId ?? credential[1], name: 'credential' } } } : {}),
			}),
			coreNode('noOp', { name: 'Done' }),
		],
		[[TRIGGER, 'Done']],
	);
}

interface Case {
	workflow: WorkflowJson;
	path: string;
	/** A correctly authenticated, real-shaped delivery. */
	valid: () => RequestInit & { query?: string };
	/** The same delivery with a forged signature or secret. */
	forged: () => RequestInit & { query?: string };
	expected: Json[];
}

const json = (body: Buffer | string, headers: Record<string, string>): RequestInit => ({
	method: 'POST',
	body,
	headers: { 'content-type': 'application/json', ...headers },
});

const salesOsBody = fixture('salesOs', 'opportunity-won.json');
const lsqBody = fixture('leadSquared', 'activities-bulk.json');
const lsqQuery = '?entityType=Webhook&entityId=b329c2b2-854c-11e6-8f87-22000aa8e760&eventType=LeadActivity_Post_Create';
// HighLevel's body timestamp is checked against the replay window, so it is set when the test runs.
const highLevelBody = Buffer.from(
	JSON.stringify({ ...JSON.parse(fixture('highLevel', 'contact-create.json').toString()), timestamp: new Date().toISOString() }),
);
const attioBody = fixture('attio', 'record-events.json');
const attioHeaders = (secret: string) => ({
	'attio-signature': createHmac('sha256', secret).update(attioBody).digest('hex'),
	'idempotency-key': 'e2e-attio-delivery-1',
});
const closeBody = fixture('close', 'lead-updated.json');
// close-sig-timestamp is checked against the replay window, so it is taken when the request is sent.
const closeHeaders = (key: string, timestamp = Math.floor(Date.now() / 1000)) => ({
	'close-sig-timestamp': String(timestamp),
	'close-sig-hash': createHmac('sha256', Buffer.from(key, 'hex')).update(String(timestamp)).update(closeBody).digest('hex'),
});
const zohoBody = fixture('zoho', 'leads-update.json');
const dataverseBody = fixture('dynamics', 'account-create.json');
const dataverseHeaders = { 'x-request-id': 'e2e-dataverse-request-1', 'x-ms-dynamics-entity-name': 'account' };
const dataverseExpected = [
	{
		event: 'account.created',
		crm: 'dynamics',
		eventId: 'e2e-dataverse-request-1',
		object: { type: 'account', id: 'a1b2c3d4-1111-4b5c-8d9e-0123456789ab' },
		data: { name: 'Contoso Ltd', revenue: 250000 },
		meta: { verifiedBy: 'api-key' },
	},
];
const standardBody = fixture('standardWebhooks', 'contact-created.json').toString();
const standardHeaders = (secret: string, body = standardBody, id = 'msg_e2e_1') => {
	const now = new Date();
	return {
		'webhook-id': id,
		'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
		'webhook-signature': new Webhook(secret).sign(id, now, body),
	};
};
// The spec's own test-vector body: no `type`, which the spec only recommends.
const untypedStandardBody = '{"test": 2432232314}';
const customBody = JSON.stringify({
	event: { name: 'TicketClosed', id: 'evt-custom-1', at: '2025-02-01T08:00:00Z' },
	record: { id: 'T-77', subject: 'Refund', status: 'closed' },
});

const cases: Record<string, Case> = {
	SalesOS: {
		workflow: crmWorkflow('crmSalesOs', { path: 'crm-salesos', crm: 'salesOs', authentication: 'signingSecret' }, 'crmSalesOs000001'),
		path: 'crm-salesos',
		valid: () => json(salesOsBody, { 'x-webhook-signature': createHmac('sha256', SALESOS_SECRET).update(salesOsBody).digest('hex') }),
		forged: () => json(salesOsBody, { 'x-webhook-signature': createHmac('sha256', 'guess').update(salesOsBody).digest('hex') }),
		expected: [
			{
				event: 'opportunity.won',
				crm: 'salesOs',
				eventId: 'evt_7f3c2a9e41b8',
				object: { type: 'opportunity', id: 'opp_9d1e77' },
				meta: { verifiedBy: 'hmac-sha256' },
			},
		],
	},
	LeadSquared: {
		workflow: crmWorkflow('crmLeadSquared', { path: 'crm-leadsquared', crm: 'leadSquared', authentication: 'apiKey' }),
		path: 'crm-leadsquared',
		valid: () => ({ ...json(lsqBody, { 'x-lsq-secret': 'lsq-e2e-secret' }), query: lsqQuery }),
		forged: () => ({ ...json(lsqBody, { 'x-lsq-secret': 'wrong' }), query: lsqQuery }),
		expected: ['01', '02', '03'].map((suffix) => ({
			event: 'lead_activity.created',
			sourceEvent: 'LeadActivity_Post_Create',
			crm: 'leadSquared',
			object: { type: 'lead_activity', id: `5b0e9d2c-1a7f-4c0e-9a51-0f6f2d1c8a${suffix}` },
			meta: { verifiedBy: 'api-key' },
		})),
	},
	Freshsales: {
		workflow: crmWorkflow('crmFreshsales', {
			path: 'crm-freshsales',
			crm: 'freshsales',
			authentication: 'basicAuth',
			eventSource: 'fixed',
			fixedEvent: 'opportunity.won',
			timestampField: 'updated_at',
		}),
		path: 'crm-freshsales',
		valid: () => ({
			method: 'POST',
			body: fixture('freshsales', 'deal-won.form'),
			headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth },
		}),
		forged: () => ({
			method: 'POST',
			body: fixture('freshsales', 'deal-won.form'),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				authorization: `Basic ${Buffer.from('crm-user:guess').toString('base64')}`,
			},
		}),
		expected: [
			{
				event: 'opportunity.won',
				crm: 'freshsales',
				occurredAt: '2024-05-02T05:34:19.000Z',
				object: { type: 'opportunity', id: '70001234567' },
				data: { name: 'Acme Corp - 50 seats', deal_stage: 'Won' },
				meta: { verifiedBy: 'basic-auth' },
			},
		],
	},
	Vtiger: {
		workflow: crmWorkflow('crmVtiger', {
			path: 'crm-vtiger',
			crm: 'vtiger',
			authentication: 'basicAuth',
			eventSource: 'fixed',
			fixedEvent: 'contact.updated',
		}),
		path: 'crm-vtiger',
		valid: () => ({
			method: 'POST',
			body: fixture('vtiger', 'contact.xml'),
			headers: { 'content-type': 'application/xml', authorization: basicAuth },
		}),
		forged: () => ({ method: 'POST', body: fixture('vtiger', 'contact.xml'), headers: { 'content-type': 'application/xml' } }),
		expected: [
			{
				event: 'contact.updated',
				crm: 'vtiger',
				object: { type: 'contact', id: '12x345' },
				data: { firstname: 'Mary', deals: { deal: [{ id: '13x901' }, { id: '13x902' }] } },
			},
		],
	},
	HighLevel: {
		workflow: crmWorkflow('crmHighLevel', {
			path: 'crm-highlevel',
			crm: 'highLevel',
			authentication: 'builtIn',
			// HighLevel's private key is not ours: the test key stands in, as a key rotation would.
			highLevelEd25519PublicKey: highLevelKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
		}),
		path: 'crm-highlevel',
		valid: () => json(highLevelBody, { 'x-ghl-signature': sign(null, highLevelBody, highLevelKeys.privateKey).toString('base64') }),
		forged: () =>
			json(highLevelBody, { 'x-ghl-signature': sign(null, highLevelBody, generateKeyPairSync('ed25519').privateKey).toString('base64') }),
		expected: [
			{
				event: 'contact.created',
				sourceEvent: 'ContactCreate',
				crm: 'highLevel',
				eventId: '9062e8fb-5d3c-4b61-9a8e-2f4c7d1e0b55',
				object: { type: 'contact', id: 'nmFmQEsNgz6AVpgLVUJ0' },
				context: { locationId: 've9EPM428h8vShlRW1KT' },
				meta: { verifiedBy: 'highlevel-ed25519' },
			},
		],
	},
	Attio: {
		workflow: crmWorkflow('crmAttio', { path: 'crm-attio', crm: 'attio', authentication: 'signingSecret' }, 'crmAttio00000001'),
		path: 'crm-attio',
		valid: () => json(attioBody, attioHeaders(ATTIO_SECRET)),
		forged: () => json(attioBody, attioHeaders('guess')),
		expected: [
			{
				event: 'record.created',
				crm: 'attio',
				eventId: 'e2e-attio-delivery-1:0',
				object: { type: 'record', id: 'bf071e1f-6035-429d-b874-d83ea64ea13b' },
			},
			{
				event: 'note.created',
				crm: 'attio',
				eventId: 'e2e-attio-delivery-1:1',
				object: { type: 'note', id: 'ff3f3bd4-40f4-4f80-8187-cd02385af424' },
			},
		],
	},
	Close: {
		workflow: crmWorkflow('crmClose', { path: 'crm-close', crm: 'close', authentication: 'signingSecret' }, 'crmClose00000001'),
		path: 'crm-close',
		valid: () => json(closeBody, closeHeaders(CLOSE_KEY)),
		forged: () => json(closeBody, closeHeaders('aa'.repeat(32))),
		expected: [
			{
				event: 'lead.updated',
				crm: 'close',
				eventId: 'ev_2ZTGfpLMsO0XjXKWWVmeL8',
				object: { type: 'lead', id: 'lead_lNSHmE3VGykx84Li2HqKAEWz0lSOqyrcrFcClLrxhsk' },
				previous: { name: 'Wayne Enterprises' },
			},
		],
	},
	'Zoho CRM': {
		workflow: crmWorkflow(
			'crmZoho',
			{ path: 'crm-zoho', crm: 'zoho', authentication: 'apiKey', settings: { includeRawRequest: true } },
			'crmZoho000000001',
		),
		path: 'crm-zoho',
		valid: () => json(zohoBody, {}),
		forged: () => json(zohoBody.toString().replace(ZOHO_TOKEN, 'TOKEN_GUESSED_FOR_1000000068001'), {}),
		expected: ['5725767000000524157', '5725767000000524160'].map((id) => ({
			event: 'lead.updated',
			sourceEvent: 'Leads.update',
			crm: 'zoho',
			occurredAt: '2024-12-05T11:20:01.234Z',
			object: { type: 'lead', id },
			context: { channelId: '1000000068001' },
		})),
	},
	'Dynamics 365 (WebhookKey)': {
		workflow: crmWorkflow(
			'crmDynamicsKey',
			{
				path: 'crm-dynamics-key',
				crm: 'dynamics',
				authentication: 'apiKey',
				dynamicsAuthType: 'WebhookKey',
				settings: { includeRawRequest: true },
			},
			'crmDynamics00001',
		),
		path: 'crm-dynamics-key',
		valid: () => ({ ...json(dataverseBody, dataverseHeaders), query: `?code=${DATAVERSE_KEY}` }),
		forged: () => ({ ...json(dataverseBody, dataverseHeaders), query: '?code=e2e-dataverse-key-guess' }),
		expected: dataverseExpected,
	},
	'Dynamics 365 (HttpHeader)': {
		workflow: crmWorkflow(
			'crmDynamicsHeader',
			{ path: 'crm-dynamics-header', crm: 'dynamics', authentication: 'apiKey', dynamicsAuthType: 'HttpHeader' },
			'crmDynamics00001',
		),
		path: 'crm-dynamics-header',
		valid: () => json(dataverseBody, { ...dataverseHeaders, 'x-dataverse-key': DATAVERSE_KEY }),
		// The right key in the wrong place is no key.
		forged: () => ({ ...json(dataverseBody, { ...dataverseHeaders, 'x-dataverse-key': 'guess' }), query: `?code=${DATAVERSE_KEY}` }),
		expected: dataverseExpected,
	},
	'Standard Webhooks': {
		workflow: crmWorkflow(
			'crmStandard',
			{ path: 'crm-standard', crm: 'standardWebhooks', authentication: 'signingSecret' },
			'crmStandard00001',
		),
		path: 'crm-standard',
		valid: () => json(standardBody, standardHeaders(SW_SECRET)),
		forged: () => json(standardBody, standardHeaders('whsec_' + Buffer.from('not-the-secret-at-all!!').toString('base64'))),
		expected: [{ event: 'contact.created', crm: 'standardWebhooks', eventId: 'msg_e2e_1', object: { type: 'contact', id: 'cont_2xY9' } }],
	},
	'Standard Webhooks without a type': {
		workflow: crmWorkflow(
			'crmStandardUntyped',
			{ path: 'crm-standard-untyped', crm: 'standardWebhooks', authentication: 'signingSecret' },
			'crmStandard00001',
		),
		path: 'crm-standard-untyped',
		valid: () => json(untypedStandardBody, standardHeaders(SW_SECRET, untypedStandardBody, 'msg_p5jXN8AQM9LWM0D4loKWxJek')),
		forged: () =>
			json(untypedStandardBody, standardHeaders('whsec_' + Buffer.from('not-the-secret-at-all!!').toString('base64'), untypedStandardBody)),
		expected: [{ event: 'webhook.received', crm: 'standardWebhooks', eventId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', data: { test: 2432232314 } }],
	},
	Custom: {
		workflow: crmWorkflow('crmCustom', {
			path: 'crm-custom',
			crm: 'custom',
			authentication: 'bearerToken',
			eventTypePath: '$.event.name',
			eventIdPath: '$.event.id',
			timestampPath: '$.event.at',
			objectIdPath: '$.record.id',
			dataPath: '$.record',
		}),
		path: 'crm-custom',
		valid: () => json(customBody, { authorization: 'Bearer custom-e2e-token' }),
		forged: () => json(customBody, { authorization: 'Bearer guess' }),
		expected: [
			{
				event: 'ticket.closed',
				sourceEvent: 'TicketClosed',
				crm: 'custom',
				eventId: 'evt-custom-1',
				occurredAt: '2025-02-01T08:00:00.000Z',
				object: { type: 'ticket', id: 'T-77' },
				data: { subject: 'Refund', status: 'closed' },
			},
		],
	},
};

// Jest reads testTimeout only globally, not per project: n8n needs longer than the default 5 s.
jest.setTimeout(120_000);

let n8n: TestN8n;

beforeAll(async () => {
	n8n = await startN8n({ workflows: Object.values(cases).map((crm) => crm.workflow), credentials });
	// n8n registers published webhooks just after it reports healthy: wait until each path answers.
	// An unauthenticated POST is refused (401) by a registered trigger and starts nothing.
	for (const crm of Object.values(cases)) {
		const deadline = Date.now() + 60_000;
		while ((await fetch(n8n.webhookUrl(crm.path), { method: 'POST' })).status === 404 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}, 600_000);

afterAll(async () => {
	await n8n?.stop();
});

async function send(crm: Case, request: RequestInit & { query?: string }) {
	const { query = '', ...init } = request;
	const response = await fetch(`${n8n.webhookUrl(crm.path)}${query}`, init);
	return { status: response.status, text: await response.text() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('CRM Event Trigger in real n8n', () => {
	it.each(Object.entries(cases))('%s: an authenticated, real-shaped delivery produces the normalised event', async (_name, crm) => {
		const response = await send(crm, crm.valid());
		expect(response.status).toBe(200);
		const [execution] = await n8n.waitForExecutions(crm.workflow.id, 1);
		expect(execution.status).toBe('success');
		const items = await n8n.outputItems(execution.id, TRIGGER);
		expect(items).toMatchObject(crm.expected);
		for (const item of items) expect(item.meta).toMatchObject({ receivedAt: expect.any(String), verifiedBy: expect.any(String) });
	});

	it.each(Object.entries(cases))('%s: a forged request and a duplicate start nothing', async (_name, crm) => {
		expect((await send(crm, crm.forged())).status).toBe(401);
		const duplicate = await send(crm, crm.valid());
		expect(duplicate.status).toBe(200);
		await settle();
		expect(await n8n.executions(crm.workflow.id)).toHaveLength(1);
	});

	it('answers LeadSquared its required body, and its HEAD handshake without an execution', async () => {
		const crm = cases.LeadSquared;
		const duplicate = await send(crm, crm.valid());
		expect(JSON.parse(duplicate.text)).toEqual({ Status: 'Success', StatusReason: '' });
		const head = await fetch(`${n8n.webhookUrl(crm.path)}${lsqQuery}`, { method: 'HEAD', headers: { 'x-lsq-secret': 'lsq-e2e-secret' } });
		expect(head.status).toBe(200);
		await settle();
		expect(await n8n.executions(crm.workflow.id)).toHaveLength(1);
	});

	it('refuses a Close delivery whose timestamp is outside the replay window, before any execution', async () => {
		const crm = cases.Close;
		const expired = await send(crm, json(closeBody, closeHeaders(CLOSE_KEY, Math.floor(Date.now() / 1000) - 3600)));
		expect(expired.status).toBe(401);
		await settle();
		expect(await n8n.executions(crm.workflow.id)).toHaveLength(1);
	});

	it('keeps Zoho’s token and Dataverse’s ?code= out of the execution data, the raw request included', async () => {
		for (const [crm, secret] of [
			[cases['Zoho CRM'], ZOHO_TOKEN],
			[cases['Dynamics 365 (WebhookKey)'], DATAVERSE_KEY],
		] as const) {
			const [execution] = await n8n.waitForExecutions(crm.workflow.id, 1);
			const items = await n8n.outputItems(execution.id, TRIGGER);
			expect(items[0]).toMatchObject({ request: { body: expect.any(String) } });
			expect(JSON.stringify(items)).not.toContain(secret);
		}
	});

	it('refuses malformed JSON itself (400), not through n8n’s 422, before any execution', async () => {
		const crm = cases.SalesOS;
		const malformed = '{"id": "evt_x", "type": ';
		const response = await send(
			crm,
			json(malformed, { 'x-webhook-signature': createHmac('sha256', SALESOS_SECRET).update(malformed).digest('hex') }),
		);
		expect(response.status).toBe(400);
		expect(JSON.parse(response.text)).toMatchObject({ error: 'malformed_body' });
		await settle();
		expect(await n8n.executions(crm.workflow.id)).toHaveLength(1);
	});
});
