// @ts-check
/**
 * `npm run start:queue`: n8n in queue mode on this machine, as a scaled deployment runs it, with
 * this package installed from its packed tarball and the examples published:
 *   PostgreSQL and Redis (Debian's, on free loopback ports, throwaway), a main process (editor and
 *   API), one `n8n webhook` processor (production webhooks) and one `n8n worker` (executions).
 * The examples' triggers deduplicate with the shared Redis store, through a demo credential that
 * points at this Redis. Everything lives in a temporary folder and is removed on Ctrl-C.
 *
 *   N8N_PORT=5680 npm run start:queue     the main on another port (the webhook processor takes the next one)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('./runtime.js');
const { startRedis } = require('../services/index.js');
const { startQueueTopology } = require('../queue/topology.js');
const { EXAMPLES_DIR, TRIGGER_TYPES, readExamples } = require('./start.js');

const DEDUPE_CREDENTIAL = { id: 'exDedupeRedis001', name: 'Example Dedupe Redis (start:queue)' };
const CRM_TRIGGER = 'n8n-nodes-crm-webhooks.crmEventTrigger';
const INBOUND_TRIGGER = 'n8n-nodes-crm-webhooks.inboundWebhookTrigger';

/** @typedef {ReturnType<typeof readExamples>[number] & { nodes: Array<{ credentials?: Record<string, unknown> }> }} Example */

/**
 * Points every deduplicating trigger at the shared Redis store: in queue mode the default store
 * (this process's static data) lets duplicates through.
 * @param {Example} example
 */
function withSharedStore(example) {
	for (const node of example.nodes) {
		const deduplicates = node.type === CRM_TRIGGER || (node.type === INBOUND_TRIGGER && node.parameters?.deduplicate === true);
		if (!deduplicates) continue;
		node.parameters = { ...node.parameters, dedupeStore: 'redis' };
		node.credentials = { ...node.credentials, webhookDedupeRedisApi: DEDUPE_CREDENTIAL };
	}
	return example;
}

/** @param {{ host: string, port: number }} redis */
function credentials(redis) {
	const examples = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, 'credentials.json'), 'utf8'));
	const dedupe = {
		...DEDUPE_CREDENTIAL,
		type: 'webhookDedupeRedisApi',
		data: { host: redis.host, port: redis.port, username: '', password: '', database: 0, tls: false, keyPrefix: 'n8n-webhook-dedupe:' },
	};
	return [...examples, dedupe];
}

/**
 * @param {Awaited<ReturnType<typeof startQueueTopology>>} topology
 * @param {Example[]} examples
 * @param {string} folder
 */
function summary(topology, examples, folder) {
	const [webhook] = topology.webhooks;
	const lines = [
		`n8n ${topology.installed.version} is running in queue mode with n8n-nodes-crm-webhooks loaded.`,
		'',
		`  Editor (main process):      ${topology.main.baseUrl}/`,
		`  Webhook processor:          ${webhook.baseUrl}/webhook/…`,
		`  Worker:                     runs the executions (log: ${path.join(folder, 'worker-1.log')})`,
		`  PostgreSQL (n8n's database): 127.0.0.1:${topology.postgres.port}, user ${topology.postgres.user}, password ${topology.postgres.password}`,
		`  Redis (queue):              127.0.0.1:${topology.redis.port}`,
	];
	const webhookLines = examples.flatMap((example) =>
		example.nodes
			.filter((node) => TRIGGER_TYPES.has(node.type))
			.map((node) => `  ${example.name} → ${node.name}: ${webhook.baseUrl}/webhook/${String(node.parameters?.path ?? '')}`),
	);
	lines.push('', '  Production webhook URLs of the examples on the webhook processor (the main answers them too):', ...webhookLines);
	lines.push('', `  Send the examples their events: N8N_URL=${webhook.baseUrl} node examples/send-example-events.js`);
	lines.push(
		'',
		`  Logs of the webhook processor and worker: ${folder}`,
		'  Everything is removed when you stop. Press Ctrl-C to stop.',
		'',
	);
	return lines.join('\n');
}

async function main() {
	const mainPort = Number(process.env.N8N_PORT || 5678);
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-start-queue-'));
	runtime.log('building and packing the package');
	const tarball = runtime.packPackage(path.join(folder, 'pack'));
	runtime.installPackageLikeN8n(tarball, folder);
	const dedupeRedis = await startRedis();
	const examples = readExamples().map(withSharedStore);
	let topology;
	try {
		topology = await startQueueTopology({
			userFolder: folder,
			webhookProcessors: 1,
			workers: 1,
			credentials: credentials(dedupeRedis),
			workflows: examples,
			mainPort,
			webhookPort: mainPort + 1,
			inheritOutput: true,
			// Without a load balancer in front, the production URLs the editor shows (on the main's port)
			// must answer too; the main then queues the execution for the worker like the processor does.
			env: { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'false', N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info' },
		});
	} catch (error) {
		await dedupeRedis.stop();
		fs.rmSync(folder, { recursive: true, force: true });
		throw error;
	}
	process.stdout.write(`\n${summary(topology, examples, folder)}\n`);
	stopOnSignals(async () => {
		await topology.stop();
		await dedupeRedis.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}, [topology.main, ...topology.webhooks, ...topology.workers]);
}

/**
 * Ctrl-C (SIGINT) or SIGTERM stops everything and exits; so does any n8n process exiting on its own.
 * @param {() => Promise<void>} stopAll
 * @param {Array<{ name: string, process: import('node:child_process').ChildProcess }>} processes
 */
function stopOnSignals(stopAll, processes) {
	let stopping = false;
	const stop = async (/** @type {number} */ code) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('\nStopping n8n (main, webhook processor, worker), Redis and PostgreSQL …\n');
		await stopAll();
		process.exit(code);
	};
	process.on('SIGINT', () => stop(0));
	process.on('SIGTERM', () => stop(0));
	for (const { name, process: child } of processes) {
		child.on('exit', (code) => {
			if (stopping) return;
			process.stderr.write(`n8n ${name} exited unexpectedly (code ${code})\n`);
			void stop(1);
		});
	}
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
