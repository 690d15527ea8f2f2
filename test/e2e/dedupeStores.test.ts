import { createHmac } from 'node:crypto';

import type { TestN8n } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';

const { startPostgres, startRedis } = require('../services/index.js');

/**
 * Both triggers with a shared dedupe store (Redis, PostgreSQL) in a real n8n (single process,
 * regular mode): a duplicate is refused and a forged request answered 401, both starting nothing;
 * with the store down, 503 with Retry-After and nothing started, then accepted again once it is back.
 */
const HMAC_SECRET = 'e2e-dedupe-store-secret';
const sign = (body: string) => createHmac('sha256', HMAC_SECRET).update(body).digest('hex');

jest.setTimeout(120_000);

let n8n: TestN8n;
let redis: Awaited<ReturnType<typeof startRedis>>;
let postgres: Awaited<ReturnType<typeof startPostgres>>;

const inbound = (id: string, dedupeStore: string, credential: Record<string, { id: string; name: string }>) =>
	workflow(
		id,
		[
			pkgNode('inboundWebhookTrigger', {
				name: 'Inbound',
				webhookId: `${id}-hook`,
				parameters: {
					httpMethod: ['POST'],
					path: id,
					authentication: 'signingSecret',
					deduplicate: true,
					dedupeStore,
					eventIdPath: '$.id',
					duplicateResponse: 'reject',
				},
				credentials: { webhookSigningSecretApi: { id: 'dedupeHmac000001', name: 'HMAC' }, ...credential },
			}),
			coreNode('noOp', { name: 'Done' }),
		],
		[['Inbound', 'Done']],
	);

const REDIS = { webhookDedupeRedisApi: { id: 'dedupeRedis00001', name: 'Redis' } };
const POSTGRES = { webhookDedupePostgresApi: { id: 'dedupePostgres01', name: 'PostgreSQL' } };
const workflows = {
	redis: inbound('dedupeRedisIn', 'redis', REDIS),
	postgres: inbound('dedupePgIn', 'postgres', POSTGRES),
	crm: workflow(
		'dedupeRedisCrm',
		[
			pkgNode('crmEventTrigger', {
				name: 'CRM',
				webhookId: 'dedupe-crm-hook',
				parameters: {
					crm: 'salesOs',
					path: 'dedupe-crm',
					authentication: 'signingSecret',
					events: [],
					dedupeStore: 'redis',
					settings: { duplicateResponse: 'reject' },
				},
				credentials: { webhookSigningSecretApi: { id: 'dedupeSalesOs001', name: 'SalesOS' }, ...REDIS },
			}),
		],
		[],
	),
};

beforeAll(async () => {
	[redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
	const credentials = [
		{ id: 'dedupeHmac000001', name: 'HMAC', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: HMAC_SECRET } },
		{
			id: 'dedupeSalesOs001',
			name: 'SalesOS',
			type: 'webhookSigningSecretApi',
			data: { scheme: 'hmac', secret: HMAC_SECRET, hmacHeaderName: 'X-Webhook-Signature', algorithm: 'sha256', encoding: 'hex' },
		},
		{
			id: 'dedupeRedis00001',
			name: 'Redis',
			type: 'webhookDedupeRedisApi',
			data: { host: '127.0.0.1', port: redis.port, keyPrefix: 'e2e:' },
		},
		{
			id: 'dedupePostgres01',
			name: 'PostgreSQL',
			type: 'webhookDedupePostgresApi',
			data: postgres.dedupeSettings('e2e_dedupe'),
		},
	];
	n8n = await startN8n({ workflows: Object.values(workflows), credentials });
}, 600_000);

afterAll(async () => {
	await n8n?.stop();
	await Promise.all([redis?.stop(), postgres?.stop()]);
});

async function post(path: string, body: string, signature = sign(body)) {
	const response = await fetch(n8n.webhookUrl(path), {
		method: 'POST',
		body,
		headers: { 'content-type': 'application/json', 'x-webhook-signature': signature },
	});
	return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe.each([
	['redis', 'dedupeRedisIn'],
	['postgres', 'dedupePgIn'],
] as const)('Inbound Webhook Trigger with the %s store in real n8n', (store, path) => {
	it('starts one execution for an event, refuses its duplicate and a forged copy', async () => {
		const body = JSON.stringify({ id: `evt-${store}-1` });
		expect((await post(path, body)).status).toBe(200);
		await n8n.waitForExecutions(workflows[store].id, 1);
		expect((await post(path, body)).status).toBe(409);
		expect((await post(path, JSON.stringify({ id: `evt-${store}-2` }), sign('other'))).status).toBe(401);
		await settle();
		expect(await n8n.executions(workflows[store].id)).toHaveLength(1);
	});
});

describe('CRM Event Trigger with the Redis store in real n8n', () => {
	it('starts one execution for an event and refuses its redelivery', async () => {
		const body = JSON.stringify({
			id: 'evt_crm_1',
			type: 'lead.created',
			timestamp: new Date().toISOString(),
			data: { id: 'lead_1', email: 'jane@example.com' },
		});
		expect((await post('dedupe-crm', body)).status).toBe(200);
		await n8n.waitForExecutions(workflows.crm.id, 1);
		expect((await post('dedupe-crm', body)).status).toBe(409);
		expect((await post('dedupe-crm', body, sign('forged'))).status).toBe(401);
		await settle();
		expect(await n8n.executions(workflows.crm.id)).toHaveLength(1);
	});
});

describe('the Redis store down and back, without restarting n8n', () => {
	it('answers 503 with Retry-After and starts nothing while Redis is down, then accepts again', async () => {
		const before = (await n8n.executions(workflows.redis.id)).length;
		await redis.stopServer();
		let down;
		try {
			down = await post('dedupeRedisIn', JSON.stringify({ id: 'evt-during-outage' }));
		} finally {
			await redis.startServer();
		}
		expect(down).toMatchObject({ status: 503, retryAfter: '5' });
		expect(JSON.parse(down.text)).toMatchObject({ error: 'dedupe_store_unavailable' });
		await settle();
		expect(await n8n.executions(workflows.redis.id)).toHaveLength(before);

		let status = 0;
		for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
			status = (await post('dedupeRedisIn', JSON.stringify({ id: 'evt-during-outage' }))).status;
			if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
		}
		expect(status).toBe(200);
		await n8n.waitForExecutions(workflows.redis.id, before + 1);
	});
});
