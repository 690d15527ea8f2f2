import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Webhook } from 'standardwebhooks';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import type { WebhookServer, WebhookSetup } from '../webhookServer';
import { lastItems, webhookServers } from '../webhookServer';

const fixture = (profile: string, file: string) => readFileSync(join(__dirname, '../../../fixtures/crm', profile, file));
const trigger = new CrmEventTrigger();
const serve = webhookServers(trigger);

const post = async (
	server: WebhookServer,
	body: Buffer | string,
	headers: Record<string, string> = {},
	pathAndQuery = '/',
	method = 'POST',
) => {
	const response = await fetch(`${server.url}${pathAndQuery}`, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: method === 'HEAD' || method === 'GET' ? undefined : body,
	});
	const text = await response.text();
	return { status: response.status, text, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined };
};

/** Items of the last request's execution, or undefined when it started none. */

const salesOsSecret = 'salesos-webhook-secret';
const salesOsSetup = (options: Record<string, unknown> = {}): WebhookSetup => ({
	parameters: { crm: 'salesOs', authentication: 'signingSecret', events: [], settings: options },
	credentials: {
		webhookSigningSecretApi: {
			scheme: 'hmac',
			secret: salesOsSecret,
			hmacHeaderName: 'X-Webhook-Signature',
			algorithm: 'sha256',
			encoding: 'hex',
		},
	},
});
const salesOsBody = fixture('salesOs', 'opportunity-won.json');
const salesOsSignature = (body: Buffer = salesOsBody) => createHmac('sha256', salesOsSecret).update(body).digest('hex');

describe('CRM Event Trigger webhook(): SalesOS', () => {
	it('turns a signed delivery into one normalised event, with a 200 for n8n to send once the execution is recorded', async () => {
		const server = await serve(salesOsSetup());
		const response = await post(server, salesOsBody, { 'x-webhook-signature': salesOsSignature() });
		expect(response).toMatchObject({ status: 200, json: { received: true } });
		// The node leaves the answer to n8n: answering itself would acknowledge an event n8n has not stored yet.
		expect(server.results[0]).toMatchObject({ webhookResponse: '{"received":true}' });
		expect(server.results[0].noWebhookResponse).toBeUndefined();
		expect(lastItems(server)).toEqual([
			expect.objectContaining({
				event: 'opportunity.won',
				sourceEvent: 'opportunity.won',
				crm: 'salesOs',
				eventId: 'evt_7f3c2a9e41b8',
				object: { type: 'opportunity', id: 'opp_9d1e77' },
				meta: { receivedAt: expect.any(String), verifiedBy: 'hmac-sha256', clientIp: '127.0.0.1' },
			}),
		]);
	});

	it('refuses a forged signature with 401, starts nothing, and logs no secret', async () => {
		const server = await serve(salesOsSetup());
		const forged = createHmac('sha256', 'guess').update(salesOsBody).digest('hex');
		const response = await post(server, salesOsBody, { 'x-webhook-signature': forged });
		expect(response).toMatchObject({ status: 401, json: { error: 'unauthorized' } });
		expect(lastItems(server)).toBeUndefined();
		const logged = JSON.stringify(server.logs);
		expect(logged).toContain('does not match');
		expect(logged).not.toContain(salesOsSecret);
		expect(logged).not.toContain(forged);
		expect(logged).not.toContain('Acme');
	});

	it('drops a retry of the same event: 200 with a duplicate flag, or 409 when asked', async () => {
		const server = await serve(salesOsSetup());
		const headers = { 'x-webhook-signature': salesOsSignature() };
		await post(server, salesOsBody, headers);
		expect(await post(server, salesOsBody, headers)).toMatchObject({ status: 200, json: { received: true, duplicate: true } });
		expect(lastItems(server)).toBeUndefined();

		const strict = await serve(salesOsSetup({ duplicateResponse: 'reject' }));
		await post(strict, salesOsBody, headers);
		expect(await post(strict, salesOsBody, headers)).toMatchObject({ status: 409, json: { error: 'duplicate' } });
	});

	it('keeps dedupe ids in static data, hashed, so they survive a restart', async () => {
		const server = await serve(salesOsSetup());
		await post(server, salesOsBody, { 'x-webhook-signature': salesOsSignature() });
		const persisted = JSON.stringify(server.staticData);
		expect(persisted).toContain('"ids"');
		expect(persisted).not.toContain('evt_7f3c2a9e41b8');
	});

	it('answers 2xx and starts nothing for events outside the filter', async () => {
		const server = await serve({ ...salesOsSetup(), parameters: { ...salesOsSetup().parameters, events: ['lead.created'] } });
		expect(await post(server, salesOsBody, { 'x-webhook-signature': salesOsSignature() })).toMatchObject({ status: 200 });
		expect(lastItems(server)).toBeUndefined();
	});

	it('refuses malformed JSON (400), an oversized body (413) and an unknown type (415) before any execution', async () => {
		const server = await serve(salesOsSetup({ maxBodySizeKb: 1 }));
		const broken = Buffer.from('{"id": "evt_1", "type": ');
		expect(await post(server, broken, { 'x-webhook-signature': salesOsSignature(broken) })).toMatchObject({
			status: 400,
			json: { error: 'malformed_body' },
		});
		const big = Buffer.from(JSON.stringify({ type: 'lead.created', data: { note: 'x'.repeat(4000) } }));
		expect((await post(server, big, { 'x-webhook-signature': salesOsSignature(big) })).status).toBe(413);
		expect(
			(await post(server, salesOsBody, { 'content-type': 'application/x-msgpack', 'x-webhook-signature': salesOsSignature() })).status,
		).toBe(415);
		expect(server.results.every((result) => result.workflowData === undefined)).toBe(true);
	});

	it('refuses a method SalesOS does not send with 405', async () => {
		const server = await serve(salesOsSetup());
		expect((await post(server, salesOsBody, { 'x-webhook-signature': salesOsSignature() }, '/', 'PUT')).status).toBe(405);
	});

	it('refuses a client outside the IP allowlist with 403', async () => {
		const server = await serve(salesOsSetup({ ipAllowlist: '10.0.0.0/8' }));
		expect((await post(server, salesOsBody, { 'x-webhook-signature': salesOsSignature() })).status).toBe(403);
	});

	it('adds the raw request with signature headers redacted when asked', async () => {
		const server = await serve(salesOsSetup({ includeRawRequest: true }));
		await post(server, salesOsBody, { 'x-webhook-signature': salesOsSignature(), 'x-trace': 'abc' });
		const [item] = lastItems(server) ?? [];
		expect(item.request).toMatchObject({
			method: 'POST',
			headers: { 'x-webhook-signature': '[redacted]', 'x-trace': 'abc' },
			body: salesOsBody.toString(),
		});
	});
});

describe('CRM Event Trigger webhook(): LeadSquared', () => {
	const setup = (events: string[] = []): WebhookSetup => ({
		parameters: { crm: 'leadSquared', authentication: 'apiKey', events },
		credentials: { webhookApiKeyApi: { location: 'header', name: 'X-LSQ-Secret', apiKey: 'lsq-secret' } },
	});
	const query = '/?entityType=Webhook&entityId=b329c2b2&eventType=LeadActivity_Post_Create';
	const activities = fixture('leadSquared', 'activities-bulk.json');

	it('splits bulk activities into one item each and answers LeadSquared’s required success body', async () => {
		const server = await serve(setup());
		const response = await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query);
		expect(response).toMatchObject({ status: 200, json: { Status: 'Success', StatusReason: '' } });
		expect(lastItems(server)?.map((item) => item.event)).toEqual([
			'lead_activity.created',
			'lead_activity.created',
			'lead_activity.created',
		]);
		// The same minute delivered again starts nothing and still gets LeadSquared's success body.
		expect(await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query)).toMatchObject({
			status: 200,
			json: { Status: 'Success' },
		});
		expect(lastItems(server)).toBeUndefined();
	});

	it('answers a HEAD handshake 200 without starting anything', async () => {
		const server = await serve(setup());
		expect((await post(server, '', { 'x-lsq-secret': 'lsq-secret' }, query, 'HEAD')).status).toBe(200);
		expect(lastItems(server)).toBeUndefined();
	});

	it('refuses a wrong header secret with 401', async () => {
		const server = await serve(setup());
		expect(await post(server, activities, { 'x-lsq-secret': 'nope' }, query)).toMatchObject({
			status: 401,
			json: { error: 'unauthorized', message: 'Wrong credentials' },
		});
	});

	it('starts nothing when the event is filtered out', async () => {
		const server = await serve(setup(['lead.created']));
		expect((await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query)).status).toBe(200);
		expect(lastItems(server)).toBeUndefined();
	});
});

describe('CRM Event Trigger webhook(): HighLevel', () => {
	const keys = generateKeyPairSync('ed25519');
	const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
	const setup = (options: Record<string, unknown> = {}): WebhookSetup => ({
		parameters: { crm: 'highLevel', authentication: 'builtIn', highLevelEd25519PublicKey: publicKey, settings: options },
	});
	const signed = (event: Record<string, unknown>) => {
		const body = Buffer.from(JSON.stringify(event));
		return { body, headers: { 'x-ghl-signature': sign(null, body, keys.privateKey).toString('base64') } };
	};
	const contact = () => ({ ...JSON.parse(fixture('highLevel', 'contact-create.json').toString()), timestamp: new Date().toISOString() });

	it('verifies X-GHL-Signature and emits contact.created', async () => {
		const server = await serve(setup());
		const { body, headers } = signed(contact());
		expect((await post(server, body, headers)).status).toBe(200);
		expect(lastItems(server)).toEqual([
			expect.objectContaining({
				event: 'contact.created',
				eventId: '9062e8fb-5d3c-4b61-9a8e-2f4c7d1e0b55',
				meta: expect.objectContaining({ verifiedBy: 'highlevel-ed25519' }),
			}),
		]);
	});

	it('refuses a replayed delivery (signed timestamp outside the window) with 401', async () => {
		const server = await serve(setup());
		const { body, headers } = signed({ ...contact(), timestamp: '2021-01-01T00:00:00.000Z', webhookId: 'old-1' });
		expect(await post(server, body, headers)).toMatchObject({ status: 401, json: { error: 'replayed' } });
	});

	it('starts a workflow Webhook action sent as GET or DELETE, its fields read from the query string', async () => {
		const server = await serve({
			parameters: { crm: 'highLevel', authentication: 'bearerToken' },
			credentials: { webhookBearerTokenApi: { token: 'ghl-token' } },
		});
		for (const method of ['GET', 'DELETE']) {
			const response = await post(
				server,
				'',
				{ authorization: 'Bearer ghl-token' },
				`/?contact_id=c-${method}&email=a%40example.com`,
				method,
			);
			expect(response.status).toBe(200);
			expect(lastItems(server)).toEqual([
				expect.objectContaining({
					event: 'workflow.webhook',
					object: { type: 'contact', id: `c-${method}` },
					data: { contact_id: `c-${method}`, email: 'a@example.com' },
				}),
			]);
		}
	});

	it('echoes a confirmation token through the shared handshake when configured, starting nothing', async () => {
		const server = await serve(setup({ handshakeSource: 'query', handshakeField: 'token' }));
		const { body, headers } = signed(contact());
		const response = await post(server, body, headers, '/?token=confirm-123');
		expect(response).toMatchObject({ status: 200, text: 'confirm-123' });
		expect(lastItems(server)).toBeUndefined();
	});
});

describe('CRM Event Trigger webhook(): user-built and standard senders', () => {
	const basic = { webhookBasicAuthApi: { user: 'crm', password: 'p4ss' } };
	const authorization = `Basic ${Buffer.from('crm:p4ss').toString('base64')}`;
	/** A trigger checking that Basic credential; `parameters` choose the CRM and where the event comes from. */
	const basicAuthSetup = (parameters: Record<string, unknown>): WebhookSetup => ({
		parameters: { authentication: 'basicAuth', ...parameters },
		credentials: basic,
	});

	it('reads a Vtiger FORM body with Basic auth, related deals expanded', async () => {
		const server = await serve(basicAuthSetup({ crm: 'vtiger', eventSource: 'fixed', fixedEvent: 'contact.updated', objectIdField: 'id' }));
		const response = await post(server, fixture('vtiger', 'contact.form'), {
			authorization,
			'content-type': 'application/x-www-form-urlencoded',
		});
		expect(response.status).toBe(200);
		expect(lastItems(server)?.[0]).toMatchObject({
			event: 'contact.updated',
			crm: 'vtiger',
			object: { type: 'contact', id: '12x345' },
			data: { deals: [{ id: '13x901' }, { id: '13x902' }] },
		});
	});

	it('keeps a query-parameter key out of a GET record and out of the raw request', async () => {
		const keyed = await serve({
			parameters: {
				crm: 'freshsales',
				authentication: 'apiKey',
				eventSource: 'fixed',
				fixedEvent: 'lead.created',
				settings: { includeRawRequest: true },
			},
			credentials: { webhookApiKeyApi: { location: 'query', name: 'key', apiKey: 'query-secret' } },
		});
		await post(keyed, '', {}, '/?key=query-secret&id=L-1&name=Ada', 'GET');
		const [item] = lastItems(keyed) ?? [];
		expect(item).toMatchObject({ event: 'lead.created', object: { id: 'L-1' }, data: { id: 'L-1', name: 'Ada' } });
		expect(JSON.stringify(item)).not.toContain('query-secret');
	});

	it('drops a Freshsales retry of a hashed record, but not the same content after its retry window', async () => {
		const now = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
		try {
			const setup = (timestampField?: string) =>
				basicAuthSetup({
					crm: 'freshsales',
					eventSource: 'fixed',
					fixedEvent: 'contact.updated',
					...(timestampField ? { timestampField } : {}),
				});
			const body = '{"id":42,"email":"ada@example.com","updated_at":"2025-01-15T10:30:00Z"}';
			const hashed = await serve(setup());
			await post(hashed, body, { authorization });
			expect(lastItems(hashed)).toEqual([expect.objectContaining({ eventIdSource: 'hash' })]);
			expect(await post(hashed, body, { authorization })).toMatchObject({ status: 200, json: { duplicate: true } });
			// Two days later the same content is a new change: Freshsales stops retrying after 1 h + 2 days.
			const timed = await serve(setup('updated_at'));
			await post(timed, body, { authorization });
			clock.mockReturnValue(now + 50 * 3600 * 1000);
			await post(hashed, body, { authorization });
			expect(lastItems(hashed)).toEqual([expect.objectContaining({ event: 'contact.updated' })]);
			// With the Time Field, the same content is the same change, remembered for Remember Events For.
			expect(await post(timed, body, { authorization })).toMatchObject({ status: 200, json: { duplicate: true } });
		} finally {
			clock.mockRestore();
		}
	});

	it('reads a Freshsales XML body, the event named in a field', async () => {
		const server = await serve(basicAuthSetup({ crm: 'freshsales', eventSource: 'field', eventField: 'event', objectIdField: 'id' }));
		await post(server, fixture('freshsales', 'deal-won.xml'), { authorization, 'content-type': 'application/xml' });
		expect(lastItems(server)?.[0]).toMatchObject({ event: 'opportunity.won', sourceEvent: 'Deal Won', object: { id: '70001234567' } });
	});

	it('answers 413 to XML past Options › Max XML Elements, before any execution', async () => {
		const server = await serve(
			basicAuthSetup({ crm: 'freshsales', eventSource: 'field', eventField: 'event', settings: { maxXmlElements: 5 } }),
		);
		// The fixture holds 10 elements.
		expect(await post(server, fixture('freshsales', 'deal-won.xml'), { authorization, 'content-type': 'application/xml' })).toMatchObject({
			status: 413,
			json: { error: 'xml_too_many_elements' },
		});
		expect(server.results.every((result) => result.workflowData === undefined)).toBe(true);
	});

	it('verifies Standard Webhooks with the reference signer and dedupes on webhook-id', async () => {
		const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
		const server = await serve({
			parameters: { crm: 'standardWebhooks', authentication: 'signingSecret', eventNames: 'contact.created' },
			credentials: { webhookSigningSecretApi: { scheme: 'standardWebhooks', secret } },
		});
		const body = fixture('standardWebhooks', 'contact-created.json').toString();
		const now = new Date();
		const headers = {
			'webhook-id': 'msg_1',
			'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
			'webhook-signature': new Webhook(secret).sign('msg_1', now, body),
		};
		await post(server, body, headers);
		expect(lastItems(server)?.[0]).toMatchObject({ event: 'contact.created', eventId: 'msg_1' });
		expect(await post(server, body, headers)).toMatchObject({ status: 200, json: { duplicate: true } });
	});

	it('refuses a payload the profile cannot read with 400, naming what is missing', async () => {
		const server = await serve({ parameters: { crm: 'custom', authentication: 'none', eventTypePath: '$.kind' } });
		expect(await post(server, '{"type":"a.b"}')).toMatchObject({
			status: 400,
			json: { message: 'The request has no event type at $.kind' },
		});
	});
});

describe('CRM Event Trigger webhook(): HubSpot', () => {
	const body = (events: Array<Record<string, unknown>>) => JSON.stringify(events);
	const event = { eventId: 100, subscriptionId: 25, portalId: 33, appId: 7, occurredAt: 1735725600000, objectId: 5 };

	it('drops HubSpot’s retry of an event but starts another event that shares its eventId', async () => {
		const server = await serve({ parameters: { crm: 'hubspot', authentication: 'none', events: [], settings: {} } });
		const created = { ...event, subscriptionType: 'contact.creation', attemptNumber: 0 };
		expect(await post(server, body([created]))).toMatchObject({ status: 200 });
		expect(lastItems(server)).toHaveLength(1);
		expect(await post(server, body([{ ...created, attemptNumber: 1 }]))).toMatchObject({ status: 200, json: { duplicate: true } });
		// HubSpot: eventId "is not guaranteed to be unique"; this is a deal of another subscription.
		const other = { ...event, subscriptionId: 31, objectId: 9, subscriptionType: 'deal.creation', attemptNumber: 0 };
		expect(await post(server, body([other]))).toEqual(expect.objectContaining({ status: 200, json: { received: true } }));
		expect(lastItems(server)).toEqual([expect.objectContaining({ event: 'deal.created', eventId: '100' })]);
	});
});

describe('CRM Event Trigger: publishing checks the configuration', () => {
	const create = async (parameters: Record<string, unknown>, credentials: Record<string, Record<string, unknown>> = {}) =>
		await trigger.webhookMethods.default.create.call({
			getNodeParameter: (name: string, fallback?: unknown) => {
				const value = name in parameters ? parameters[name] : fallback;
				if (value === undefined) throw new Error(`Could not get parameter ${name}`);
				return value;
			},
			getCredentials: async (type: string) => credentials[type],
			getNode: () => ({ name: 'CRM Event Trigger' }),
		} as never);

	it('accepts a usable configuration', async () => {
		await expect(create({ crm: 'highLevel', authentication: 'builtIn' })).resolves.toBe(true);
	});

	it('names the field of an unusable one', async () => {
		await expect(create({ crm: 'highLevel', authentication: 'builtIn', highLevelEd25519PublicKey: 'nope' })).rejects.toThrow(
			'Ed25519 Public Key is not a PEM public key',
		);
		await expect(create({ crm: 'custom', authentication: 'none', eventTypePath: '' })).rejects.toThrow('Event Type Path is empty');
		await expect(create({ crm: 'salesOs', authentication: 'none', settings: { ipAllowlist: 'not-an-ip' } })).rejects.toThrow(
			'IP Allowlist',
		);
		await expect(
			create(
				{ crm: 'leadSquared', authentication: 'apiKey' },
				{ webhookApiKeyApi: { location: 'header', name: 'Bad Header', apiKey: 'k' } },
			),
		).rejects.toThrow('not a valid header name');
		await expect(create({ crm: 'leadSquared', authentication: 'none', events: ['opportunity.won', 'lead.created'] })).rejects.toThrow(
			'Events: opportunity.won is not an event of LeadSquared',
		);
		await expect(
			create(
				{ crm: 'standardWebhooks', authentication: 'signingSecret' },
				{ webhookSigningSecretApi: { scheme: 'hmac', secret: 'not base64!' } },
			),
		).rejects.toThrow('Credential: A Standard Webhooks secret must be "whsec_"');
		await expect(create({ crm: 'salesOs', authentication: 'builtIn' })).rejects.toThrow(
			'Authentication "builtIn" is not available for SalesOS',
		);
	});
});
