import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { Webhook } from 'standardwebhooks';

import type { CredentialJson, Json, TestN8n, WorkflowJson } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';
import { SALESFORCE_ACK } from '../../nodes/shared/crm/salesforce';

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
const SALESFORCE_ORG = '00D5g000004ABCDEA4';
// Zoho echoes the channel's token in the body; the fixture carries the one of Zoho's documentation example.
const ZOHO_TOKEN = 'TOKEN_FOR_VERIFICATION_OF_1000000068001';
const DATAVERSE_KEY = 'e2e-dataverse-key-3c9d';
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const HUBSPOT_SECRET = 'e2e-hubspot-client-secret';
// n8n runs as if behind a reverse proxy: HubSpot calls the public address, the request reaches 127.0.0.1.
const PUBLIC_BASE = 'https://crm.example.com';
const highLevelKeys = generateKeyPairSync('ed25519');
// A Standard Webhooks v1a sender's key pair; the receiver gets the public key as the spec serialises it: whpk_ + base64 of the raw key.
const standardKeys = generateKeyPairSync('ed25519');
const SW_PUBLIC_KEY = `whpk_${Buffer.from(standardKeys.publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64')}`;
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
	{ id: 'crmHubSpot000001', name: 'HubSpot', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: HUBSPOT_SECRET } },
	// Send In and Name as left by the user: the Zoho profile reads the token from the body, Dataverse's type decides.
	{ id: 'crmZoho000000001', name: 'Zoho', type: 'webhookApiKeyApi', data: { location: 'header', name: 'X-API-Key', apiKey: ZOHO_TOKEN } },
	{
		id: 'crmDynamics00001',
		name: 'Dataverse',
		type: 'webhookApiKeyApi',
		data: { location: 'header', name: 'X-Dataverse-Key', apiKey: DATAVERSE_KEY },
	},
	{ id: 'crmStandard00001', name: 'Standard', type: 'webhookSigningSecretApi', data: { scheme: 'standardWebhooks', secret: SW_SECRET } },
	{
		id: 'crmStandardV1a01',
		name: 'Standard v1a',
		type: 'webhookSigningSecretApi',
		data: { scheme: 'standardWebhooks', secret: SW_SECRET, publicKeys: SW_PUBLIC_KEY },
	},
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
	/** How the forged request is answered: 401 unless the CRM identifies itself (Salesforce's organization: 403). */
	forgedStatus?: number;
	/** The answer the CRM requires to count the delivery as received, when it requires one. */
	requiredAnswer?: { contentType: RegExp; body: string };
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
const hubspotBody = fixture('hubspot', 'contact-events.json');
const hubspotMixedBody = fixture('hubspot', 'mixed-events.json');
// X-HubSpot-Signature-v3 over method + the URL HubSpot called + body + timestamp (ms), taken when the request is sent.
const hubspotHeaders = (url: string, body: Buffer, secret = HUBSPOT_SECRET, timestamp = Date.now()) => ({
	'x-hubspot-request-timestamp': String(timestamp),
	'x-hubspot-signature-v3': createHmac('sha256', secret).update(`POST${url}${body.toString()}${timestamp}`).digest('base64'),
});
const PROXIED_URL = 'https://hubspot-hooks.example.org/webhook/crm-hubspot-proxy?source=hubspot:app';
/** Through a trusted proxy that names the public scheme and host; HubSpot decodes %3A before signing, the request carries it encoded. */
const proxiedHubSpot = (secret: string) => ({
	...json(hubspotMixedBody, {
		...hubspotHeaders(PROXIED_URL, hubspotMixedBody, secret),
		'x-forwarded-proto': 'https',
		'x-forwarded-host': 'hubspot-hooks.example.org',
	}),
	query: '?source=hubspot%3Aapp',
});
const salesforceBody = fixture('salesforce', 'opportunity-notifications.xml');
const soap = (body: Buffer | string): RequestInit => ({
	method: 'POST',
	body,
	headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
});
const pipedriveBody = fixture('pipedrive', 'deal-change-v2.json');
const pipedriveAuth = (password: string) => ({ authorization: `Basic ${Buffer.from(`crm-user:${password}`).toString('base64')}` });
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
/** A v1a (Ed25519) delivery, signed with node:crypto over id.timestamp.body. */
const standardV1aHeaders = (privateKey: KeyObject, id = 'msg_e2e_v1a') => {
	const timestamp = String(Math.floor(Date.now() / 1000));
	const signature = sign(null, Buffer.from(`${id}.${timestamp}.${standardBody}`), privateKey).toString('base64');
	return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1a,${signature}` };
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
	HubSpot: {
		workflow: crmWorkflow('crmHubSpot', { path: 'crm-hubspot', crm: 'hubspot', authentication: 'signingSecret' }, 'crmHubSpot000001'),
		path: 'crm-hubspot',
		// Signed for the public URL; n8n rebuilds it from WEBHOOK_URL.
		valid: () => json(hubspotBody, hubspotHeaders(`${PUBLIC_BASE}/webhook/crm-hubspot`, hubspotBody)),
		forged: () => json(hubspotBody, hubspotHeaders(`${PUBLIC_BASE}/webhook/crm-hubspot`, hubspotBody, 'guess')),
		expected: [
			{
				event: 'contact.updated',
				sourceEvent: 'contact.propertyChange',
				crm: 'hubspot',
				eventId: '3816279340',
				object: { type: 'contact', id: '1246965' },
				data: { propertyName: 'lifecyclestage', propertyValue: 'subscriber' },
				context: { portalId: 33, subscriptionId: 25 },
				meta: { verifiedBy: 'hubspot-v3' },
			},
			{ event: 'contact.created', crm: 'hubspot', eventId: '3816279480', object: { type: 'contact', id: '1246978' } },
		],
	},
	'HubSpot behind a trusted proxy': {
		workflow: crmWorkflow(
			'crmHubSpotProxy',
			{
				path: 'crm-hubspot-proxy',
				crm: 'hubspot',
				authentication: 'signingSecret',
				signedUrlFrom: 'forwarded',
				settings: { trustedProxies: '127.0.0.1, ::1' },
			},
			'crmHubSpot000001',
		),
		path: 'crm-hubspot-proxy',
		valid: () => proxiedHubSpot(HUBSPOT_SECRET),
		forged: () => proxiedHubSpot('guess'),
		expected: [
			{ event: 'deal.updated', eventId: '4283641710', object: { type: 'deal', id: '9876543210' } },
			{ event: 'contact.created', sourceEvent: 'object.creation', eventId: '4283641711', object: { type: 'contact', id: '123456789' } },
			{ event: 'contact.merged', eventId: '4283641712', object: { type: 'contact', id: '123456789' } },
		],
	},
	Salesforce: {
		workflow: crmWorkflow('crmSalesforce', {
			path: 'crm-salesforce',
			crm: 'salesforce',
			authentication: 'builtIn',
			salesforceOrganizationId: SALESFORCE_ORG,
		}),
		path: 'crm-salesforce',
		valid: () => soap(salesforceBody),
		// Another organization's message: the same body with another OrganizationId.
		forged: () => soap(salesforceBody.toString().replace(SALESFORCE_ORG, '00D5g000004ABCEEA4')),
		forgedStatus: 403,
		requiredAnswer: { contentType: /^text\/xml/, body: SALESFORCE_ACK },
		expected: [
			{
				event: 'opportunity.outbound_message',
				crm: 'salesforce',
				eventId: '04l5g00000AbCdEAAV',
				object: { type: 'opportunity', id: '0065g00000Q1a2bAAB' },
				data: { StageName: 'Closed Won', NextStep: null },
			},
			{ event: 'opportunity.outbound_message', eventId: '04l5g00000AbCdFAAV', object: { id: '0065g00000Q1a2cAAB' } },
		],
	},
	Pipedrive: {
		workflow: crmWorkflow('crmPipedrive', { path: 'crm-pipedrive', crm: 'pipedrive', authentication: 'basicAuth' }),
		path: 'crm-pipedrive',
		valid: () => json(pipedriveBody, pipedriveAuth('crm-pass')),
		forged: () => json(pipedriveBody, pipedriveAuth('guess')),
		expected: [
			{
				event: 'deal.updated',
				sourceEvent: 'change.deal',
				crm: 'pipedrive',
				eventId: '4b9f6a2e-8c1d-4f0a-9e37-2d5c8b1a7f60',
				object: { type: 'deal', id: '746' },
				previous: { status: 'open', stage_id: 4 },
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
	'Standard Webhooks v1a (Ed25519)': {
		workflow: crmWorkflow(
			'crmStandardV1a',
			{ path: 'crm-standard-v1a', crm: 'standardWebhooks', authentication: 'signingSecret' },
			'crmStandardV1a01',
		),
		path: 'crm-standard-v1a',
		valid: () => json(standardBody, standardV1aHeaders(standardKeys.privateKey)),
		// Signed by another key pair, as a forger without the sender's secret key would.
		forged: () => json(standardBody, standardV1aHeaders(generateKeyPairSync('ed25519').privateKey)),
		expected: [{ event: 'contact.created', crm: 'standardWebhooks', eventId: 'msg_e2e_v1a', object: { type: 'contact', id: 'cont_2xY9' } }],
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
	n8n = await startN8n({
		workflows: Object.values(cases).map((crm) => crm.workflow),
		credentials,
		env: { WEBHOOK_URL: `${PUBLIC_BASE}/` },
	});
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
	return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('CRM Event Trigger in real n8n', () => {
	it.each(Object.entries(cases))('%s: an authenticated, real-shaped delivery produces the normalised event', async (_name, crm) => {
		const response = await send(crm, crm.valid());
		expect(response.status).toBe(200);
		if (crm.requiredAnswer)
			expect(response).toMatchObject({ contentType: expect.stringMatching(crm.requiredAnswer.contentType), text: crm.requiredAnswer.body });
		const [execution] = await n8n.waitForExecutions(crm.workflow.id, 1);
		expect(execution.status).toBe('success');
		const items = await n8n.outputItems(execution.id, TRIGGER);
		expect(items).toMatchObject(crm.expected);
		for (const item of items) expect(item.meta).toMatchObject({ receivedAt: expect.any(String), verifiedBy: expect.any(String) });
	});

	it.each(Object.entries(cases))('%s: a forged request and a duplicate start nothing', async (_name, crm) => {
		expect((await send(crm, crm.forged())).status).toBe(crm.forgedStatus ?? 401);
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

	it('answers Salesforce its SOAP Ack as text/xml for a repeated message too, without an execution', async () => {
		const crm = cases.Salesforce;
		const response = await send(crm, soap(salesforceBody));
		expect(response).toMatchObject({ status: 200, contentType: expect.stringMatching(/^text\/xml/), text: SALESFORCE_ACK });
		expect(SALESFORCE_ACK).toContain('<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>');
		await settle();
		expect(await n8n.executions(crm.workflow.id)).toHaveLength(1);
	});

	it('asks a Pipedrive sender without the right password for Basic credentials (401, WWW-Authenticate)', async () => {
		const crm = cases.Pipedrive;
		const response = await fetch(n8n.webhookUrl(crm.path), json(pipedriveBody, {}));
		expect(response.status).toBe(401);
		expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
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

	it('refuses a HubSpot delivery signed for the URL n8n sees, or over 5 minutes old, before any execution', async () => {
		const crm = cases.HubSpot;
		const body = Buffer.from(hubspotBody.toString().replace('3816279480', '3816279999'));
		const asSeen = await send(crm, json(body, hubspotHeaders(n8n.webhookUrl(crm.path), body)));
		expect(asSeen.status).toBe(401);
		const old = await send(
			crm,
			json(body, hubspotHeaders(`${PUBLIC_BASE}/webhook/crm-hubspot`, body, HUBSPOT_SECRET, Date.now() - 360_000)),
		);
		expect(old.status).toBe(401);
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
