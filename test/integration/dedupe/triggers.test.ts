/**
 * Both triggers' webhook() with a shared dedupe store, over real HTTP, against real Redis and
 * PostgreSQL (test/services): duplicates refused, a bulk checked in one call, the store down → 503
 * with Retry-After and nothing started, the store back → accepted again without a restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CrmEventTrigger } from '../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { InboundWebhookTrigger } from '../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';
import { PostgresDedupeStore } from '../../../nodes/shared/dedupe/postgresStore';
import { RedisDedupeStore } from '../../../nodes/shared/dedupe/redisStore';
import { closeAllStores } from '../../../nodes/shared/dedupe/registry';
import type { WebhookServer, WebhookSetup } from '../../unit/nodes/webhookServer';
import { serveWebhook } from '../../unit/nodes/webhookServer';
import { useStoreServers } from '../storeServers';

jest.setTimeout(60_000);

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

const servers: WebhookServer[] = [];
const storeServers = useStoreServers(async () => {
	await Promise.all(servers.map(async (server) => await server.close()));
	await closeAllStores();
});

const stores = [
	[
		'redis',
		'webhookDedupeRedisApi',
		() => ({ host: '127.0.0.1', port: storeServers.redis.port, keyPrefix: `it-${Date.now()}:` }),
		() => storeServers.redis,
	],
	['postgres', 'webhookDedupePostgresApi', () => storeServers.postgres.dedupeSettings('trigger_dedupe'), () => storeServers.postgres],
] as const;

async function serve(node: InboundWebhookTrigger | CrmEventTrigger, setup: WebhookSetup) {
	const server = await serveWebhook(node, setup);
	servers.push(server);
	return server;
}

const post = async (server: WebhookServer, body: string | Buffer, headers: Record<string, string> = {}, path = '/') => {
	const response = await fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() };
};
const started = (server: WebhookServer) => server.results.filter((result) => result.workflowData).length;

describe.each(stores)('Inbound Webhook Trigger with the %s store', (dedupeStore, credentialType, credential, service) => {
	const setup = (): WebhookSetup => ({
		parameters: { authentication: 'none', deduplicate: true, dedupeStore, eventIdPath: '$.id', duplicateResponse: 'reject' },
		credentials: { [credentialType]: credential() },
	});

	it('refuses a duplicate and starts the workflow once', async () => {
		const first = await serve(new InboundWebhookTrigger(), setup());
		const id = `evt-${dedupeStore}-${Date.now()}`;
		expect((await post(first, JSON.stringify({ id }))).status).toBe(200);
		expect((await post(first, JSON.stringify({ id }))).status).toBe(409);
		expect(started(first)).toBe(1);
	});

	it('gives the id back when n8n answers 500 (it could not store the execution), so the retry starts the workflow', async () => {
		// One node: n8n answers its first request 500, then stores again (the harness reads responseCode per request).
		const failing: WebhookSetup = { ...setup(), responseCode: 500 };
		const server = await serve(new InboundWebhookTrigger(), failing);
		const id = JSON.stringify({ id: `lost-${dedupeStore}-${Date.now()}` });
		expect((await post(server, id)).status).toBe(500);
		// The give-back goes to the store as n8n answers; bounded wait for its log line.
		for (let tries = 0; tries < 100 && !server.logs.some((line) => line.message.includes('given back')); tries++) await sleep(20);
		failing.responseCode = undefined;
		expect((await post(server, id)).status).toBe(200);
		expect((await post(server, id)).status).toBe(409);
		expect(started(server)).toBe(2);
	});

	it('answers 503 with Retry-After while the store is down, starts nothing, logs why, and accepts again once it is back', async () => {
		const server = await serve(new InboundWebhookTrigger(), setup());
		await service().stopServer();
		let down;
		try {
			down = await post(server, JSON.stringify({ id: `down-${Date.now()}` }));
		} finally {
			await service().startServer();
		}
		expect(down).toMatchObject({ status: 503, retryAfter: '5' });
		expect(JSON.parse(down.body)).toMatchObject({ error: 'dedupe_store_unavailable' });
		expect(started(server)).toBe(0);
		const warning = server.logs.find((line) => line.message.includes('dedupe_store_unavailable'));
		expect(warning?.message).toMatch(/PostgreSQL at|Redis at/);
		expect(JSON.stringify(server.logs)).not.toContain(storeServers.postgres.password);

		let status = 0;
		for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
			status = (await post(server, JSON.stringify({ id: `back-${Date.now()}-${attempt}` }))).status;
			if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
		}
		expect(status).toBe(200);
	});
});

describe.each(stores)('CRM Event Trigger with the %s store', (dedupeStore, credentialType, credential) => {
	const activities = readFileSync(join(__dirname, '../../fixtures/crm/leadSquared/activities-bulk.json'));
	const query = '/?entityType=Webhook&entityId=b329c2b2&eventType=LeadActivity_Post_Create';

	it('checks a bulk of events in one call to the store and drops the redelivery', async () => {
		const claim = jest.spyOn(dedupeStore === 'redis' ? RedisDedupeStore.prototype : PostgresDedupeStore.prototype, 'claim');
		const server = await serve(new CrmEventTrigger(), {
			parameters: { crm: 'leadSquared', authentication: 'apiKey', events: [], dedupeStore },
			credentials: {
				webhookApiKeyApi: { location: 'header', name: 'X-LSQ-Secret', apiKey: 'lsq-secret' },
				[credentialType]: { ...credential(), keyPrefix: `crm-${Date.now()}:`, table: `crm_dedupe_${Date.now()}` },
			},
		});
		try {
			expect((await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query)).status).toBe(200);
			expect(claim).toHaveBeenCalledTimes(1);
			expect(claim.mock.calls[0][0]).toHaveLength(3);
			expect((await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query)).status).toBe(200);
			expect(started(server)).toBe(1);
		} finally {
			claim.mockRestore();
		}
	});

	it('gives back every event of a bulk n8n could not store', async () => {
		const forget = jest.spyOn(dedupeStore === 'redis' ? RedisDedupeStore.prototype : PostgresDedupeStore.prototype, 'forget');
		const store = { ...credential(), keyPrefix: `crm-lost-${Date.now()}:`, table: `crm_lost_${Date.now()}` };
		const failing: WebhookSetup = {
			parameters: { crm: 'leadSquared', authentication: 'apiKey', events: [], dedupeStore },
			credentials: { webhookApiKeyApi: { location: 'header', name: 'X-LSQ-Secret', apiKey: 'lsq-secret' }, [credentialType]: store },
			responseCode: 500,
		};
		try {
			const server = await serve(new CrmEventTrigger(), failing);
			expect((await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query)).status).toBe(500);
			for (let tries = 0; tries < 100 && forget.mock.results.length === 0; tries++) await sleep(20);
			await forget.mock.results[0]?.value;
			expect(forget.mock.calls[0][0]).toHaveLength(3);
			failing.responseCode = undefined;
			expect((await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query)).status).toBe(200);
			expect((await post(server, activities, { 'x-lsq-secret': 'lsq-secret' }, query)).status).toBe(200);
			expect(started(server)).toBe(2);
		} finally {
			forget.mockRestore();
		}
	});
});
