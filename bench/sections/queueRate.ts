/**
 * Comparison 15: the accepted rate in queue mode with the Redis dedupe store against regular mode,
 * in one run. Regular mode is the bench's usual single n8n (SQLite); queue mode is test/queue's
 * topology (PostgreSQL, Redis, a main, one webhook processor, one worker). Both run the same
 * signed Inbound trigger (bench/workflows.ts), deduplicating by $.id; regular mode also with the static-data store.
 * Rounds alternate between the three, closed loop at c10, and each phase waits until every
 * execution has finished, so the rate counts finished executions, not answers.
 */
import type { CredentialJson, TestN8n } from '../../test/n8n/harness';
import type { QueueN8n } from '../../test/queue/harness';
import type { LoadRequest } from '../lib/loadClient';
import { waitForWebhooks } from '../lib/n8nBench';
import type { Row, Section } from '../lib/report';
import { alternate, formatNumber, medianOf, round } from '../lib/stats';
import { inboundWorkflow } from '../workflows';
import { event, signed } from './chainSetup';
import type { Phase } from './inbound';
import { phase } from './inbound';

const CONCURRENCY = 10;
const REDIS_CREDENTIAL_ID = 'benchDedupeRedis';
/** Queue mode pays a Redis round trip for the job and a worker hand-off; on 2 shared cores it should still keep up. */
const TARGET_RATIO = 1.0;

export function redisDedupeCredential(redis: { host: string; port: number }): CredentialJson {
	return {
		id: REDIS_CREDENTIAL_ID,
		name: 'Bench Dedupe Redis',
		type: 'webhookDedupeRedisApi',
		data: { host: redis.host, port: redis.port, username: '', password: '', database: 0, tls: false, keyPrefix: 'bench-dedupe:' },
	};
}

export const queueRateWorkflows = () => ({
	redis: inboundWorkflow('qrRedisDedupe001', 'bench-qr-redis', true, { id: REDIS_CREDENTIAL_ID, name: 'Bench Dedupe Redis' }),
	staticData: inboundWorkflow('qrStaticDedupe01', 'bench-qr-static', true),
});

/** A SalesOS-shaped event of 1 KB with a fresh id, signed: the chain sections' request. */
const signedEvent = (): LoadRequest => signed(event());

/** The main process for n8n's REST API, with production webhooks sent to the first webhook processor. */
function queueTarget(queue: QueueN8n): TestN8n {
	const processor = queue.webhooks[0];
	return Object.assign(Object.create(queue.main) as TestN8n, { webhookUrl: (path: string) => queue.webhookUrl(processor, path) });
}

export async function queueRateSection(regular: TestN8n, queue: QueueN8n, rounds: number, phaseMs: number): Promise<Section> {
	const workflows = queueRateWorkflows();
	const inQueue = queueTarget(queue);
	await waitForWebhooks(inQueue, ['bench-qr-redis']);
	const variants = {
		'queue, Redis store': () => phase(inQueue, workflows.redis, 'bench-qr-redis', CONCURRENCY, signedEvent, true, 200, phaseMs),
		'regular, Redis store': () => phase(regular, workflows.redis, 'bench-qr-redis', CONCURRENCY, signedEvent, true, 200, phaseMs),
		'regular, static-data store': () =>
			phase(regular, workflows.staticData, 'bench-qr-static', CONCURRENCY, signedEvent, true, 200, phaseMs),
	};
	// Warm-up: the first requests load workflows, credentials, the Redis connection and JIT.
	for (const run of Object.values(variants)) await run();
	const log = (name: string, round: number, result: Phase) =>
		console.error(
			`  [queue] round ${round + 1} ${name}: ${formatNumber(result.executionRate)} events/s, ${formatNumber(result.load.rps)} answers/s, p50 ${formatNumber(result.load.p50Ms)} ms, p99 ${formatNumber(result.load.p99Ms)} ms`,
		);
	const results = await alternate<Phase>(
		rounds,
		Object.entries(variants).map(([name, run]) => ({ name, run })),
		log,
	);
	// Unrounded: the target is checked on these, the table shows them rounded.
	const rate = (name: string) => medianOf(results[name], (result) => result.executionRate);
	const queueRate = rate('queue, Redis store');
	const row = (id: string, baseline: string, withTarget: boolean): Row => {
		const ratio = queueRate / rate(baseline);
		return {
			id,
			comparison: `accepted events/s at c${CONCURRENCY}, 1 KB signed, dedupe on: queue mode (1 webhook processor + 1 worker, Redis store) vs ${baseline.replace(',', ' mode,')}`,
			ours: `${formatNumber(round(queueRate, 1))}/s`,
			baseline: `${formatNumber(round(rate(baseline), 1))}/s`,
			ratio: round(ratio, 2),
			target: withTarget ? `≥ ${TARGET_RATIO}×` : '—',
			met: withTarget ? ratio >= TARGET_RATIO : null,
		};
	};
	return {
		rows: [row('15a', 'regular, Redis store', true), row('15b', 'regular, static-data store', false)],
		details: { concurrency: CONCURRENCY, phaseMs, rounds: results },
	};
}
