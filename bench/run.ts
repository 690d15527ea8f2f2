/**
 * `npm run bench`: the benchmark suite. Prints one table of ratios and writes
 * bench/results/latest.json (plus a time-stamped copy, git-ignored).
 *
 *   npm run bench                       all comparisons, 3 rounds each (outbound: 5)
 *   npm run bench -- --rounds=5         more rounds
 *   npm run bench -- --only=outbound,handler   some sections: handler, dedupe, memory, outbound, inbound, legacy, transport, chain,
 *                                       settings, queue, endpoint
 *   BENCH_ENDPOINT_ITEMS=500 npm run bench -- --only=endpoint   the Outbound rate limit, breaker and OAuth2 rows, scaled down
 *   npm run bench -- --only=chain --engines=lazy,legacy --phase-ms=1000
 *       ours vs the hand-built chain, one n8n per engine setting (default, lazy, legacy); --phase-ms
 *       shortens each timed phase (default 3000) for a quick check
 *   npm run bench -- --only=settings --settings=default,lazy   n8n settings that change the trigger's rate, one n8n each
 *   npm run bench -- --only=queue --phase-ms=2000   queue mode (Redis dedupe store) vs a regular n8n, side by side
 *
 * Traffic goes only to 127.0.0.1. Every n8n started here is stopped before exit.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

import type { TestN8n, WorkflowJson } from '../test/n8n/harness';
import { startN8n } from '../test/n8n/harness';
import * as runtime from '../test/n8n/runtime.js';
import { waitForWebhooks, webhookPaths } from './lib/n8nBench';
import { startReceiver } from './lib/receiver';
import type { Section } from './lib/report';
import { buildShippedCode } from './lib/shipped';
import { machineMeta, provenance, renderTable, writeResults } from './lib/report';
import { chainSection } from './sections/chain';
import type { EngineName } from './sections/chainSetup';
import { chainWorkflows, ENGINES } from './sections/chainSetup';
import { dedupeSection } from './sections/dedupe';
import { endpointProtectionSection } from './sections/endpointProtection';
import { handlerSection } from './sections/handler';
import type { SettingName } from './sections/settings';
import { settingRun, SETTINGS, settingsSection } from './sections/settings';
import { inboundSection, inboundWorkflows } from './sections/inbound';
import { memorySection } from './sections/memory';
import { COST_ROUNDS, outboundSection, outboundWorkflows } from './sections/outbound';
import { queueRateSection, queueRateWorkflows, redisDedupeCredential } from './sections/queueRate';
import { transportSection } from './sections/transport';
import { CHAIN_CREDENTIALS, CREDENTIALS } from './workflows';
import { startQueueN8n } from '../test/queue/harness';
import { startRedis } from '../test/services/index.js';

const SECTIONS = [
	'handler',
	'dedupe',
	'memory',
	'outbound',
	'inbound',
	'legacy',
	'transport',
	'chain',
	'settings',
	'queue',
	'endpoint',
] as const;
type SectionName = (typeof SECTIONS)[number];

function parseOptions() {
	const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const rounds = Number(argument('rounds') ?? 3);
	if (!Number.isInteger(rounds) || rounds < 3 || rounds > 20) throw new Error('--rounds must be an integer from 3 to 20');
	const only = argument('only')?.split(',') ?? [...SECTIONS];
	const unknown = only.filter((name) => !SECTIONS.includes(name as SectionName));
	if (unknown.length > 0) throw new Error(`Unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
	const engines = (argument('engines')?.split(',') ?? Object.keys(ENGINES)) as EngineName[];
	const badEngine = engines.filter((name) => !(name in ENGINES));
	if (badEngine.length > 0) throw new Error(`Unknown engine(s) ${badEngine.join(', ')}; choose from ${Object.keys(ENGINES).join(', ')}`);
	const phaseMs = Number(argument('phase-ms') ?? 3_000);
	if (!Number.isInteger(phaseMs) || phaseMs < 500 || phaseMs > 30_000) throw new Error('--phase-ms must be an integer from 500 to 30000');
	const settings = (argument('settings')?.split(',') ?? Object.keys(SETTINGS)) as SettingName[];
	const badSetting = settings.filter((name) => !(name in SETTINGS));
	if (badSetting.length > 0)
		throw new Error(`Unknown setting(s) ${badSetting.join(', ')}; choose from ${Object.keys(SETTINGS).join(', ')}`);
	return { rounds, only: new Set(only as SectionName[]), engines, phaseMs, settings };
}

/** n8n keeps the first 16 characters of a workflow id; two workflows must never share them. */
function checkIds(workflows: WorkflowJson[]) {
	const seen = new Set<string>();
	for (const { id, name } of workflows) {
		if (seen.has(id)) throw new Error(`Workflow id ${id} (${name}) is used twice`);
		seen.add(id);
	}
}

const elapsed = (since: number) => `${Math.round((Date.now() - since) / 1000)} s`;

/**
 * Queue mode and a regular n8n, both up for the whole section so rounds can alternate; the dedupe
 * Redis is apart from the queue's own. The regular n8n is handed back so main's cleanup stops it too.
 */
async function queueRun(options: { rounds: number; phaseMs: number }, keep: (n8n: TestN8n) => void, started: number): Promise<Section> {
	const redis = await startRedis();
	const credentials = [...CREDENTIALS, redisDedupeCredential(redis)];
	const workflows = queueRateWorkflows();
	let queue: Awaited<ReturnType<typeof startQueueN8n>> | undefined;
	try {
		console.error(`[bench] starting n8n in queue mode (main, 1 webhook processor, 1 worker) … ${elapsed(started)}`);
		queue = await startQueueN8n({ credentials, workflows: [workflows.redis], webhookProcessors: 1, workers: 1 });
		console.error(`[bench] starting a regular n8n … ${elapsed(started)}`);
		const regular = await startN8n({ workflows: Object.values(workflows), credentials });
		keep(regular);
		await waitForWebhooks(regular, webhookPaths(Object.values(workflows)));
		console.error(`[bench] queue mode vs regular … ${elapsed(started)}`);
		return await queueRateSection(regular, queue, options.rounds, options.phaseMs);
	} finally {
		await queue?.stop();
		await redis.stop();
	}
}

async function main() {
	const options = parseOptions();
	const { rounds, only } = options;
	const started = Date.now();
	const installed = await runtime.ensureN8n();
	const n8nNode = spawnSync(installed.node.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
	const meta = machineMeta(n8nNode, installed.version, rounds);
	if (meta.loadAverageAtStart[0] > 0.5 * meta.cpus) {
		console.error(`[bench] warning: load average ${meta.loadAverageAtStart[0]} on ${meta.cpus} CPUs; other work will skew the figures`);
	}
	const clientRuntime = { nodeBin: installed.node.nodeBin, n8nBin: installed.n8nBin };
	const receiver = await startReceiver();
	const sections: Record<string, Section> = {};
	let n8n: TestN8n | undefined;
	const stopN8n = async () => {
		await n8n?.stop();
		n8n = undefined;
	};
	process.once('SIGINT', () => {
		void stopN8n().finally(() => process.exit(130));
	});
	try {
		if (only.has('handler')) {
			console.error(`[bench] handler cost (no n8n, the built package) … ${elapsed(started)}`);
			buildShippedCode();
			sections.handler = await handlerSection();
		}

		if (only.has('dedupe')) {
			console.error(`[bench] dedupe stores (Redis and PostgreSQL on loopback, no n8n) … ${elapsed(started)}`);
			sections.dedupe = await dedupeSection();
		}

		if (only.has('memory')) {
			// Each memory group gets a freshly started n8n (V8 keeps freed heap, which a later run would reuse).
			console.error(`[bench] memory (four fresh n8n) … ${elapsed(started)}`);
			sections.memory = await memorySection(async (startOptions) => (n8n = await startN8n(startOptions)), receiver);
			n8n = undefined;
		}

		if (only.has('outbound') || only.has('inbound')) {
			const outbound = outboundWorkflows(receiver);
			const inbound = inboundWorkflows();
			const workflows = [...Object.values(outbound), ...Object.values(inbound)];
			checkIds(workflows);
			console.error(`[bench] starting n8n ${installed.version} (default settings) … ${elapsed(started)}`);
			n8n = await startN8n({ workflows, credentials: CREDENTIALS });
			await waitForWebhooks(n8n, webhookPaths(workflows));
			if (only.has('outbound')) {
				console.error(`[bench] outbound … ${elapsed(started)}`);
				// Outbound rounds take seconds, so they get more of them: a busy neighbour moves single rounds a lot.
				sections.outbound = await outboundSection(n8n, receiver, outbound, clientRuntime, Math.max(rounds, 5));
			}
			if (only.has('inbound')) {
				console.error(`[bench] inbound … ${elapsed(started)}`);
				sections.inbound = await inboundSection(n8n, inbound, rounds, '', '');
			}
			await stopN8n();
		}

		if (only.has('legacy')) {
			// n8n 2.x builds a fresh expression isolate for every request to a trigger other than its own
			// Webhook node; the legacy engine shows what the requests cost without that.
			const inbound = inboundWorkflows();
			console.error(`[bench] starting n8n with N8N_EXPRESSION_ENGINE=legacy … ${elapsed(started)}`);
			n8n = await startN8n({ workflows: Object.values(inbound), credentials: CREDENTIALS, env: { N8N_EXPRESSION_ENGINE: 'legacy' } });
			await waitForWebhooks(n8n, webhookPaths(Object.values(inbound)));
			console.error(`[bench] inbound, legacy expression engine … ${elapsed(started)}`);
			sections.legacy = await inboundSection(n8n, inbound, rounds, 'legacy engine', '-L');
			await stopN8n();
		}

		if (only.has('chain')) {
			for (const engine of options.engines) {
				const workflows = chainWorkflows();
				console.error(
					`[bench] starting n8n for the hand-built chain, engine ${engine} ${JSON.stringify(ENGINES[engine])} … ${elapsed(started)}`,
				);
				n8n = await startN8n({
					workflows: Object.values(workflows),
					credentials: [...CREDENTIALS, ...CHAIN_CREDENTIALS],
					env: ENGINES[engine],
				});
				await waitForWebhooks(n8n, webhookPaths(Object.values(workflows)));
				sections[`chain-${engine}`] = await chainSection(n8n, workflows, rounds, engine, options.phaseMs);
				await stopN8n();
			}
		}

		if (only.has('settings')) {
			const { ours, bare } = chainWorkflows();
			const runs: Parameters<typeof settingsSection>[0] = {};
			for (const setting of options.settings) {
				console.error(`[bench] starting n8n with setting ${setting} ${JSON.stringify(SETTINGS[setting])} … ${elapsed(started)}`);
				n8n = await startN8n({ workflows: [ours, bare], credentials: CREDENTIALS, env: SETTINGS[setting] });
				await waitForWebhooks(n8n, webhookPaths([ours, bare]));
				runs[setting] = await settingRun(n8n, setting, rounds, options.phaseMs);
				await stopN8n();
			}
			sections.settings = settingsSection(runs);
		}

		if (only.has('queue')) {
			sections.queue = await queueRun(options, (started) => (n8n = started), started);
			await stopN8n(); // an idle n8n would still take memory and CPU from the sections timed after it
		}

		if (only.has('endpoint')) {
			console.error(`[bench] outbound endpoint protection (n8n-core's execute context, no n8n server) … ${elapsed(started)}`);
			sections.endpoint = await endpointProtectionSection();
		}

		if (only.has('transport')) {
			console.error(`[bench] transport (no n8n) … ${elapsed(started)}`);
			// The most connections any round opened (later rounds reuse the pool, so their count is lower).
			const rounds = (sections.outbound?.details.rounds ?? {}) as Record<string, Array<{ connections: number }> | undefined>;
			const most = (name: string) => Math.max(...(rounds[name] ?? [{ connections: NaN }]).map((run) => run.connections));
			sections.transport = await transportSection(receiver, clientRuntime, options.rounds, {
				ours: most('ours c100'),
				httpRequest: most('HTTP Request node'),
			});
		}
	} finally {
		await stopN8n();
		await receiver.close();
	}

	const order = [
		'outbound',
		'inbound',
		'legacy',
		...Object.keys(ENGINES).map((engine) => `chain-${engine}`),
		'settings',
		'queue',
		'endpoint',
		'handler',
		'dedupe',
		'memory',
		'transport',
	];
	meta.durationSeconds = Math.round((Date.now() - started) / 1000);
	meta.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
	const { stamped, merged } = writeResults(path.join(__dirname, 'results'), meta, sections, order);
	const measured = order.flatMap((name) => sections[name]?.rows ?? []);
	console.log(
		`\nn8n ${meta.n8nVersion} on Node ${meta.n8nNode}, ${meta.cpus} × ${meta.cpuModel}, medians of ${meta.rounds} rounds (outbound ${Math.max(meta.rounds, 5)}, signing cost ${Math.max(meta.rounds, COST_ROUNDS)}), ${meta.date}, commit ${meta.commit}\n`,
	);
	console.log(renderTable(measured));
	console.log(
		`\n${measured.filter((row) => row.met === false).length} target(s) missed; took ${meta.durationSeconds} s; results in ${path.relative(process.cwd(), stamped)}`,
	);
	console.log(`\nbench/results/latest.json now holds, per section, the run that measured it:\n${provenance(merged)}`);
	console.log(`\nEvery stored row:\n\n${renderTable(Object.values(merged).flatMap((section) => section.rows))}`);
}

main().catch((error: Error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});
