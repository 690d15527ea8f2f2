/**
 * The rate limit and circuit breaker kept in Redis and PostgreSQL (Debian's servers, started on
 * loopback by test/services): turns spaced across clients, pauses, exclusive probes, and a circuit
 * one "process" opens that another sees through the Outbound Webhook node.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import Redis from 'ioredis';
import type { INodeExecutionData } from 'n8n-workflow';
import { Client } from 'pg';

import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';
import type { SharedStoreConnection } from '../../../nodes/shared/dedupe/connection';
import { storeConnectionOf } from '../../../nodes/shared/dedupe/connection';
import { SharedWithFallback } from '../../../nodes/shared/endpointState/fallback';
import { endpointTableName, PostgresEndpointState } from '../../../nodes/shared/endpointState/postgresEndpointState';
import { RedisEndpointState } from '../../../nodes/shared/endpointState/redisEndpointState';
import { closeEndpointStates, sharedEndpointStateFor } from '../../../nodes/shared/endpointState/registry';
import type { SharedEndpointState } from '../../../nodes/shared/endpointState/types';
import { closedCircuit } from '../../../nodes/shared/outbound/circuitBreaker';
import type { CircuitSettings } from '../../../nodes/shared/outbound/circuitBreaker';
import { LocalCircuitStore, resetProcessCircuits } from '../../../nodes/shared/outbound/circuitStore';
import { EndpointGuard } from '../../../nodes/shared/outbound/endpointGuard';
import { processRateStore } from '../../../nodes/shared/outbound/rateLimit';
import { useStoreServers } from '../storeServers';
import { fakeContext } from './fakeContext';
import type { Receiver } from './receiver';
import { useReceiver } from './receiver';

jest.setTimeout(60_000);

const opened: SharedEndpointState[] = [];
const servers = useStoreServers(async () => {
	await Promise.all(opened.map(async (state) => await state.close()));
	await closeEndpointStates();
});

let receiver: Receiver;
useReceiver((started) => (receiver = started));

const KEY_PREFIX = `it-${Date.now()}:`;
const credentials = {
	redis: () => ({ host: '127.0.0.1', port: servers.redis.port, keyPrefix: KEY_PREFIX }),
	postgres: () => servers.postgres.dedupeSettings('outbound_dedupe'),
};
const CREDENTIAL_TYPE = { redis: 'webhookDedupeRedisApi', postgres: 'webhookDedupePostgresApi' } as const;

function openState(kind: 'redis' | 'postgres', credential: Record<string, unknown> = credentials[kind]()): SharedEndpointState {
	const connection: SharedStoreConnection = storeConnectionOf(kind, credential);
	const state = connection.kind === 'redis' ? new RedisEndpointState(connection) : new PostgresEndpointState(connection);
	opened.push(state);
	return state;
}

let unique = 0;
const freshKey = () => `http://127.0.0.1:${++unique}|${Date.now()}`;

const breaker: CircuitSettings = { failureThreshold: 3, probeAfterMs: 60_000, whenOpen: 'retryLater' };
const failure = { kind: 'response', statusCode: 500 } as const;

/** One execution's guard in one "process": its own client and its own local fallback. */
function runGuard(state: SharedEndpointState, scope: string) {
	const local = { rate: processRateStore, circuits: new LocalCircuitStore(scope, {}) };
	const store = new SharedWithFallback(state, scope, local, (error) => {
		throw error;
	});
	return new EndpointGuard({ circuit: { settings: breaker, store } }, Date.now, async () => undefined, 5_000);
}

describe.each(['redis', 'postgres'] as const)('%s endpoint state', (kind) => {
	it('spaces turns taken from two clients by the interval, with no two on one slot', async () => {
		const [one, two] = [openState(kind), openState(kind)];
		const key = freshKey();
		// When each turn is due, by this host's clock: answers take a few ms (more on a new connection), so a long interval.
		const take = async (n: number) => Date.now() + (await (n % 2 ? one : two).take(key, 1_000));
		const turns = (await Promise.all(Array.from({ length: 10 }, async (_, n) => await take(n)))).sort((a, b) => a - b);
		const gaps = turns.slice(1).map((turn, n) => turn - turns[n]);
		expect(Math.min(...gaps)).toBeGreaterThan(800);
		expect(turns[9] - turns[0]).toBeGreaterThan(8_500);
	});

	it('a pause one client sets holds the next turn of another', async () => {
		const [one, two] = [openState(kind), openState(kind)];
		const key = freshKey();
		await one.pause(key, 2_000);
		expect(await two.take(key, 10)).toBeGreaterThan(1_500);
	});

	it('keeps circuits, and lets one client probe at a time until the claim is given back', async () => {
		const [one, two] = [openState(kind), openState(kind)];
		const key = freshKey();
		expect(await one.load(key)).toBeUndefined();
		await one.save(key, { ...closedCircuit(Date.now()), consecutiveFailures: 2 });
		expect(await two.load(key)).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
		expect(await one.claimProbe(key, 5_000)).toBe(true);
		expect(await two.claimProbe(key, 5_000)).toBe(false);
		await one.releaseProbe(key);
		expect(await two.claimProbe(key, 5_000)).toBe(true);
	});

	it('saves a circuit on condition: only over the state given (or nothing), else says what is stored', async () => {
		const [one, two] = [openState(kind), openState(kind)];
		const key = freshKey();
		const counted = { ...closedCircuit(Date.now()), consecutiveFailures: 1 };
		expect(await one.save(key, counted, null)).toEqual({ saved: true });
		const opened = { ...counted, state: 'open' as const, probeAt: new Date(Date.now() + 60_000).toISOString() };
		expect(await two.save(key, opened)).toEqual({ saved: true });
		expect(await one.save(key, { ...counted, consecutiveFailures: 2 }, counted)).toEqual({ saved: false, stored: opened });
		expect(await one.save(key, { ...counted, consecutiveFailures: 2 }, null)).toEqual({ saved: false, stored: opened });
		expect(await one.save(key, { ...opened, consecutiveFailures: 4 }, opened)).toEqual({ saved: true });
		expect(await two.load(key)).toMatchObject({ state: 'open', consecutiveFailures: 4 });
	});

	it('a run that only counted a failure does not close, at its end, a circuit another process opened', async () => {
		const [processA, processB] = [openState(kind), openState(kind)];
		const scope = `wf-${kind}-${++unique}:node-1:`;
		const origin = 'https://receiver.example';
		// Run B loads the closed circuit and sees one 5xx (below the threshold: saved at its end).
		const runB = runGuard(processB, scope);
		expect(await runB.admit(origin)).toMatchObject({ go: true });
		await runB.record(origin, failure, false, 1_000);
		// Run A sees three: the circuit opens and is saved.
		const runA = runGuard(processA, scope);
		expect(await runA.admit(origin)).toMatchObject({ go: true });
		for (let n = 0; n < 3; n++) await runA.record(origin, failure, false, 1_000);
		await runB.flush();
		expect(await processA.load(scope + origin)).toMatchObject({ state: 'open', consecutiveFailures: 3 });
		expect(await runGuard(processA, scope).admit(origin)).toMatchObject({ go: false, circuit: { state: 'open' } });
	});

	it('a circuit one process opens is open for another (no memory, no static data in common)', async () => {
		const credential = credentials[kind]();
		const input: INodeExecutionData[] = Array.from({ length: 3 }, (_, n) => ({ json: { n } }));
		const run = async () => {
			const parameters = {
				method: 'POST',
				url: receiver.url(),
				circuitBreaker: true,
				circuitFailureThreshold: 3,
				sharedStateStore: kind,
				options: { concurrency: 1 },
			};
			const { context } = fakeContext(parameters, input, {
				credentials: { [CREDENTIAL_TYPE[kind]]: credential },
				nodeId: `shared-${kind}`,
			});
			const [delivered, retryLater, failed] = await new OutboundWebhook().execute.call(context);
			return { delivered, retryLater, failed };
		};
		receiver.script({ status: 410 });
		await run();
		expect(receiver.requests).toHaveLength(1);
		resetProcessCircuits();
		receiver.script({ status: 200 });
		const second = await run();
		expect(receiver.requests).toHaveLength(0);
		expect(second.retryLater).toHaveLength(3);
		expect(second.retryLater[0].json.delivery).toMatchObject({
			error: { code: 'ERR_CIRCUIT_OPEN', message: expect.stringMatching(/410 Gone/) },
		});
	});
});

it('postgres: idle rows of the _endpoints table are deleted in batches; turns ahead, held probes and recent circuits stay', async () => {
	const credential = servers.postgres.dedupeSettings('cleanup_dedupe');
	const sql = new Client({ ...credential, ssl: false });
	const table = `"${endpointTableName('cleanup_dedupe')}"`;
	const keys = async () => (await sql.query<{ key: string }>(`SELECT key FROM ${table} ORDER BY key`)).rows.map(({ key }) => key);
	try {
		const first = openState('postgres', credential);
		await first.take('ahead', 3_600_000);
		for (const key of ['recent', 'old']) await first.save(key, closedCircuit(Date.now()));
		await first.claimProbe('held', 3_600_000);
		await first.claimProbe('released', 1_000);
		await first.releaseProbe('released');
		await sql.connect();
		// Idle rows as a month of disuse leaves them: arrivals passed, circuits saved 31 days ago, and more than a batch.
		await sql.query(`INSERT INTO ${table} (key, arrival) SELECT 'rate:tenant-' || n, 0 FROM generate_series(1, 2500) AS n`);
		await sql.query(
			`UPDATE ${table} SET updated_at = now() - interval '31 days', arrival = arrival - 120000 WHERE key <> 'circuit:recent'`,
		);
		// A new process cleans up after its first statements, a batch at a time.
		const next = openState('postgres', credential);
		for (let turn = 0; turn < 50 && (await keys()).length > 4; turn++) await next.take('trigger', 1);
		expect(await keys()).toEqual(['circuit:held', 'circuit:recent', 'rate:ahead', 'rate:trigger']);
	} finally {
		await sql.end();
	}
});

describe('one client per credential', () => {
	/** The connections open on each server: Redis's client list, PostgreSQL's backends of the endpoint pools. */
	const connections = {
		redis: async () => {
			const admin = new Redis({ host: '127.0.0.1', port: servers.redis.port });
			const list = (await admin.client('LIST')) as string;
			await admin.quit();
			return list.trim().split('\n').length - 1;
		},
		postgres: async () => {
			const sql = new Client({ ...servers.postgres.dedupeSettings(''), ssl: false });
			await sql.connect();
			const { rows } = await sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'n8n-outbound-endpoints'`);
			await sql.end();
			return rows[0].n as number;
		},
	};
	const edited = {
		redis: (n: number) => ({ ...credentials.redis(), keyPrefix: `edit${n}:` }),
		postgres: (n: number) => ({ ...credentials.postgres(), table: `edit${n}_dedupe` }),
	};

	it.each(['redis', 'postgres'] as const)('%s: five edits of a node’s credential leave at most one more connection', async (kind) => {
		await closeEndpointStates();
		const before = await connections[kind]();
		for (let n = 0; n < 5; n++) {
			const state = sharedEndpointStateFor(storeConnectionOf(kind, edited[kind](n)), 'wf-edit:node-1:');
			await state.take('https://x.example|10', 10);
		}
		// A closed connection leaves the server's list a moment later.
		let after = await connections[kind]();
		for (let wait = 0; wait < 20 && after - before > 1; wait++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			after = await connections[kind]();
		}
		expect(after - before).toBeLessThanOrEqual(1);
	});
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

it('an unreachable shared store costs one timeout per run: the run uses this process’s state and the log says so', async () => {
	receiver.script({ status: 200 });
	const parameters = { method: 'POST', url: receiver.url(), rateLimit: true, rateLimitRequests: 50, sharedStateStore: 'redis' };
	const credential = { host: '127.0.0.1', port: await closedPort() };
	const input: INodeExecutionData[] = Array.from({ length: 20 }, (_, n) => ({ json: { n } }));
	const { context, logs } = fakeContext(parameters, input, { credentials: { webhookDedupeRedisApi: credential }, nodeId: 'unreachable' });
	const started = Date.now();
	const [delivered] = await new OutboundWebhook().execute.call(context);
	expect(delivered).toHaveLength(20);
	// One store timeout (2 s) for the concurrent first turns, then 20 turns at 50/s; far under a timeout per item.
	expect(Date.now() - started).toBeLessThan(8_000);
	expect(logs.filter((line) => line.level === 'warn' && /shared state store did not answer/.test(line.message)).length).toBeGreaterThan(0);
});
