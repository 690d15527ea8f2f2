/**
 * The queue-mode suite's view of a running topology (topology.js): the main process as a TestN8n
 * for n8n's REST API, the webhook processors' URLs, the workers' logs, n8n's PostgreSQL database
 * for counting executions per event id, and throwaway dedupe stores the tests can stop.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Pool } from 'pg';

import type { CredentialJson, WorkflowJson } from '../n8n/harness';
import { TestN8n, prepareRuntime } from '../n8n/harness';
import * as runtime from '../n8n/runtime.js';
import { startPostgres, startRedis } from '../services/index.js';
import { N8N_DATABASE, startQueueTopology } from './topology.js';

type Topology = Awaited<ReturnType<typeof startQueueTopology>>;
export type ProcessHandle = Topology['webhooks'][number];
export type TestRedis = Awaited<ReturnType<typeof startRedis>>;
export type TestPostgres = Awaited<ReturnType<typeof startPostgres>>;

/** Each n8n process's log of the latest run, kept after it for a look at what happened. */
export const QUEUE_LOGS = path.join(runtime.cacheRoot(), 'queue-logs');

/** Event ids the suite sends look like `evq_<scenario>_<n>`, so they can be found in any execution's data. */
export const EVENT_ID = /evq_[A-Za-z0-9_]+/g;

export interface ExecutionRow {
	id: string;
	status: string;
	mode: string;
	eventIds: string[];
}

export class QueueN8n {
	constructor(
		private readonly topology: Topology,
		readonly main: TestN8n,
		private readonly database: Pool,
		readonly userFolder: string,
	) {}

	get webhooks(): ProcessHandle[] {
		return this.topology.webhooks;
	}

	get workers(): ProcessHandle[] {
		return this.topology.workers;
	}

	/** A production webhook URL on one webhook processor. */
	webhookUrl(processor: ProcessHandle, pathName: string): string {
		return `${processor.baseUrl}/webhook/${pathName}`;
	}

	addWebhookProcessor(): Promise<ProcessHandle> {
		return this.topology.addWebhookProcessor();
	}

	/** Every execution of a workflow with the event ids found in its data, read from n8n's database. */
	async executions(workflowId: string): Promise<ExecutionRow[]> {
		const { rows } = await this.database.query<{ id: string; status: string; mode: string; data: string | null }>(
			'SELECT e.id::text AS id, e.status, e.mode, d.data FROM execution_entity e ' +
				'LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1',
			[workflowId],
		);
		return rows.map(({ id, status, mode, data }) => ({ id, status, mode, eventIds: [...new Set(data?.match(EVENT_ID) ?? [])] }));
	}

	/** How many executions each event id started. */
	async executionsPerEvent(workflowId: string): Promise<Map<string, number>> {
		const counts = new Map<string, number>();
		for (const { eventIds } of await this.executions(workflowId)) {
			for (const eventId of eventIds) counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
		}
		return counts;
	}

	/** Waits until no execution of the workflow is new or running (a persisted Wait counts as settled). */
	async waitUntilSettled(workflowId: string, timeoutMs = 120_000): Promise<ExecutionRow[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.executions(workflowId);
			if (!executions.some(({ status }) => ['new', 'running'].includes(status))) return executions;
			if (Date.now() > deadline) throw new Error(`Executions of ${workflowId} still running after ${timeoutMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	/** Execution ids each worker logged as started ("Worker started execution N"). */
	workerExecutions(): Map<string, string> {
		const ranOn = new Map<string, string>();
		for (const worker of this.workers) {
			for (const [, id] of worker.output().matchAll(/Worker started execution (\d+)/g)) ranOn.set(id, worker.name);
		}
		return ranOn;
	}

	/** How many times workers started (or resumed) the execution `id`. */
	workerStarts(id: string): number {
		const pattern = new RegExp(`Worker started execution ${id}\\b`, 'g');
		return this.workers.reduce((count, worker) => count + [...worker.output().matchAll(pattern)].length, 0);
	}

	async stop(): Promise<void> {
		await this.database.end().catch(() => undefined);
		await this.topology.stop();
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** Starts the queue-mode topology with the packed package, the given credentials and published workflows. */
export async function startQueueN8n(options: {
	credentials: CredentialJson[];
	workflows: WorkflowJson[];
	webhookProcessors?: number;
	workers?: number;
}): Promise<QueueN8n> {
	const { templateFolder } = await prepareRuntime();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-queue-'));
	fs.cpSync(path.join(templateFolder, '.n8n'), path.join(userFolder, '.n8n'), { recursive: true });
	let topology: Topology | undefined;
	try {
		fs.rmSync(QUEUE_LOGS, { recursive: true, force: true });
		fs.mkdirSync(QUEUE_LOGS, { recursive: true });
		topology = await startQueueTopology({ userFolder, ...options, logDir: QUEUE_LOGS, env: { N8N_LOG_LEVEL: 'info' } });
		const { postgres } = topology;
		const database = new Pool({
			host: postgres.host,
			port: postgres.port,
			user: postgres.user,
			password: postgres.password,
			database: N8N_DATABASE,
			max: 4,
		});
		const main = new TestN8n(topology.main, userFolder, true);
		await main.setupOwner();
		await main.waitForPublication(options.workflows.map(({ id }) => id));
		return new QueueN8n(topology, main, database, userFolder);
	} catch (error) {
		await topology?.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
		throw error;
	}
}

/** The Redis and PostgreSQL the triggers deduplicate with: apart from n8n's own, so a test can stop them. */
export async function startDedupeStores(): Promise<{
	redis: TestRedis;
	postgres: TestPostgres;
	credentials: CredentialJson[];
	stop: () => Promise<void>;
}> {
	const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
	await postgres.createDatabase('dedupe');
	const credentials: CredentialJson[] = [
		{
			id: 'queueDedupeRedis',
			name: 'Queue Dedupe Redis',
			type: 'webhookDedupeRedisApi',
			data: { host: redis.host, port: redis.port, username: '', password: '', database: 0, tls: false, keyPrefix: 'n8n-webhook-dedupe:' },
		},
		{
			id: 'queueDedupePgsql',
			name: 'Queue Dedupe PostgreSQL',
			type: 'webhookDedupePostgresApi',
			data: postgres.dedupeSettings('n8n_webhook_dedupe', 'dedupe'),
		},
	];
	return {
		redis,
		postgres,
		credentials,
		stop: async () => {
			await Promise.all([redis.stop(), postgres.stop()]);
		},
	};
}
