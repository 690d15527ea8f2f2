// @ts-check
/**
 * n8n in queue mode on this machine: PostgreSQL and Redis (test/services), a main process, webhook
 * processors and workers, all sharing one database, one Redis, one encryption key and one user
 * folder with this package in .n8n/nodes. Used by the queue-mode suite and `npm run start:queue`.
 */
const fs = require('node:fs');
const path = require('node:path');

const runtime = require('../n8n/runtime.js');
const { startPostgres, startRedis } = require('../services/index.js');

const N8N_DATABASE = 'n8n';
const PUBLISH_CONCURRENCY = 3;

/** @typedef {Awaited<ReturnType<typeof runtime.startN8n>>} N8nHandle */
/** @typedef {Awaited<ReturnType<typeof startPostgres>>} TestPostgres */
/** @typedef {Awaited<ReturnType<typeof startRedis>>} TestRedis */

/**
 * The settings every process of the topology shares. The main process does not answer production
 * webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS), as behind a load balancer that routes /webhook/
 * to the webhook processors; editor runs go to the workers too.
 * @param {TestPostgres} postgres
 * @param {TestRedis} redis
 * @returns {Record<string, string>}
 */
function queueEnv(postgres, redis) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// The worker's health server would listen on one fixed port for every worker.
		QUEUE_HEALTH_CHECK_ACTIVE: 'false',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: N8N_DATABASE,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		// With n8n's default pool of 2 connections, shared by every request, its 5 s database health ping
		// timed out under tens of concurrent webhook requests; n8n then resets the connection and answers
		// the requests in flight 500 or 503. A larger pool made that rarer here (not gone on a starved CPU).
		DB_POSTGRESDB_POOL_SIZE: '10',
	};
}

/**
 * Imports credentials and workflows with the CLI before the main process starts, and publishes the
 * workflows, a few at a time: each CLI run boots n8n for seconds. (`import:workflow
 * --activeState=fromJson` would do it in one run, but n8n 2.41 refuses to activate there: no owner
 * exists yet.)
 * @param {runtime.N8nRuntime} installed
 * @param {{ userFolder: string, env: Record<string, string>, credentials?: Array<{ id: string }>, workflows?: Array<{ id: string }> }} options
 */
async function importAndPublish(installed, { userFolder, env, credentials = [], workflows = [] }) {
	const cli = (/** @type {string[]} */ args) => runtime.n8nCliAsync(installed, args, { userFolder, extra: env });
	const write = (/** @type {string} */ name, /** @type {unknown} */ data) => {
		const file = path.join(userFolder, name);
		fs.writeFileSync(file, JSON.stringify(data));
		return file;
	};
	if (credentials.length > 0) await cli(['import:credentials', `--input=${write('queue-credentials.json', credentials)}`]);
	if (workflows.length === 0) return;
	await cli(['import:workflow', `--input=${write('queue-workflows.json', workflows)}`]);
	const pending = workflows.map(({ id }) => id);
	const publishNext = async () => {
		for (let id = pending.shift(); id !== undefined; id = pending.shift()) await cli(runtime.publishWorkflowArgs(installed, id));
	};
	await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, publishNext));
}

/**
 * Starts one n8n process of the topology on its own ports.
 * @param {runtime.N8nRuntime} installed
 * @param {{ userFolder: string, env: Record<string, string>, logDir: string, inheritOutput?: boolean }} shared
 * @param {'start' | 'webhook' | 'worker'} command
 * @param {string} name
 * @param {number} [port]
 */
async function startProcess(installed, shared, command, name, port) {
	const handle = await runtime.startN8n(installed, {
		command,
		userFolder: shared.userFolder,
		port: port ?? (await runtime.freePort()),
		extra: shared.env,
		inheritOutput: shared.inheritOutput && command === 'start',
		logFile: path.join(shared.logDir, `${name}.log`),
	});
	return { name, command, ...handle };
}

/**
 * @typedef {object} TopologyOptions
 * @property {string} userFolder a user folder with the package installed in .n8n/nodes
 * @property {number} [webhookProcessors] default 2
 * @property {number} [workers] default 2
 * @property {Array<{ id: string }>} [credentials]
 * @property {Array<{ id: string }>} [workflows]
 * @property {Record<string, string>} [env] more environment for every process
 * @property {number} [mainPort]
 * @property {number} [webhookPort] the first webhook processor's port
 * @property {boolean} [inheritOutput] the main process writes to this terminal (the others to log files)
 * @property {string} [logDir] default: the user folder
 */

/**
 * Starts PostgreSQL, Redis and the n8n processes. When any step fails, whatever started is stopped.
 * @param {TopologyOptions} options
 */
async function startQueueTopology(options) {
	const installed = await runtime.ensureN8n();
	/** @type {Array<Awaited<ReturnType<typeof startProcess>>>} */
	const processes = [];
	/** @type {Array<{ stop: () => Promise<void> }>} */
	const services = [];
	// n8n's processes stop side by side (a webhook processor can take its supervisor's full 15 s), then the servers.
	const stopAll = async () => {
		await Promise.all(processes.splice(0).map((handle) => handle.stop().catch(() => undefined)));
		await Promise.all(services.splice(0).map((service) => service.stop().catch(() => undefined)));
	};
	/** @param {'start' | 'webhook' | 'worker'} command @param {string} name @param {number} [port] */
	const start = async (command, name, port) => {
		const handle = await startProcess(installed, shared, command, name, port);
		processes.push(handle);
		return handle;
	};
	/** @type {{ userFolder: string, env: Record<string, string>, logDir: string, inheritOutput?: boolean }} */
	let shared;
	try {
		const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
		services.push(postgres, redis);
		await postgres.createDatabase(N8N_DATABASE);
		const env = { ...queueEnv(postgres, redis), ...options.env };
		shared = { userFolder: options.userFolder, env, logDir: options.logDir ?? options.userFolder, inheritOutput: options.inheritOutput };
		await importAndPublish(installed, { ...shared, credentials: options.credentials, workflows: options.workflows });
		// The main process runs the database migrations and activates the workflows; the others follow.
		const main = await start('start', 'main', options.mainPort);
		const firstPort = options.webhookPort;
		const webhookCount = options.webhookProcessors ?? 2;
		const started = await allStarted([
			...Array.from({ length: webhookCount }, (_, n) => start('webhook', `webhook-${n + 1}`, firstPort && firstPort + n)),
			...Array.from({ length: options.workers ?? 2 }, (_, n) => start('worker', `worker-${n + 1}`)),
		]);
		const webhooks = started.slice(0, webhookCount);
		const workers = started.slice(webhookCount);
		return {
			installed,
			postgres,
			redis,
			env,
			main,
			webhooks,
			workers,
			/** Starts one more webhook processor, e.g. to replace a stopped one; it is stopped with the rest. */
			async addWebhookProcessor() {
				const handle = await start('webhook', `webhook-${webhooks.length + 1}`);
				webhooks.push(handle);
				return handle;
			},
			/** Stops every n8n process, then PostgreSQL and Redis. */
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/**
 * Waits for every start to settle, so none is still starting when a failure stops the rest.
 * @template T
 * @param {Array<Promise<T>>} starts
 * @returns {Promise<T[]>}
 */
async function allStarted(starts) {
	const settled = await Promise.allSettled(starts);
	const failed = settled.find((result) => result.status === 'rejected');
	if (failed) throw /** @type {PromiseRejectedResult} */ (failed).reason;
	return settled.map((result) => /** @type {PromiseFulfilledResult<T>} */ (result).value);
}

module.exports = { N8N_DATABASE, startQueueTopology };
