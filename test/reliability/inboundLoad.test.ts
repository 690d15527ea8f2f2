import { createHmac } from 'node:crypto';

import type { CredentialJson, TestN8n, WorkflowJson } from '../n8n/harness';
import { pkgNode, startN8n, workflow } from '../n8n/harness';
import { signStandardWebhook } from '../../nodes/shared/signatures/standardWebhooks';
import type { HealthReport } from './support';
import { countByStatus, crmTriggerWorkflow, mb, monitorHealth, printTable, runPool, seededRandom, sleep, waitForSettled } from './support';

/**
 * Inbound load: 1,000 correctly signed events (LOAD_EVENTS=2000 for the longer run) at concurrency 50
 * into the CRM Event Trigger and into the Inbound Webhook Trigger of a real n8n, mixed with a tenth as
 * many forged, as many replayed (stale timestamp) and as many duplicate deliveries. Every signed event must start exactly one execution, every other
 * delivery its documented status and none, and n8n must stay healthy. Executions are counted
 * through n8n's own REST API.
 */
const SEED = 7;
/** n8n starts about 15 executions a second here: 1,000 per trigger keep CI's whole run near 30 minutes. */
const EVENTS = Math.max(100, Number(process.env.LOAD_EVENTS) || 1000);
const FORGED = Math.round(EVENTS / 10);
const REPLAYED = Math.round(EVENTS / 10);
const DUPLICATES = Math.round(EVENTS / 10);
const CONCURRENCY = 50;
/** A deadline far beyond the ~70 s that 1,000 executions take at n8n's ~15 a second here. */
const EXECUTION_TIMEOUT_MS = 420_000;
/**
 * n8n runs with its heap capped as in a small container, so a leak ends in a crash instead of
 * hiding in a heap V8 would otherwise let grow lazily towards a quarter of the machine's memory.
 * Outside that heap n8n keeps ~800 MB more (its expression isolates, SQLite, buffers): it idles at
 * ~750 MB. The runaway this guards against (answers before executions were recorded) reached 12 GB.
 */
const HEAP_MB = 1024;
const MAX_RSS_BYTES = 2560 * 1024 * 1024;

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const FORGED_SW_SECRET = `whsec_${Buffer.from('a-secret-the-sender-does-not-have').toString('base64')}`;
const HMAC_SECRET = 'reliability-inbound-hmac-secret';

const credentials: CredentialJson[] = [
	{ id: 'loadStandard0001', name: 'Load SW', type: 'webhookSigningSecretApi', data: { scheme: 'standardWebhooks', secret: SW_SECRET } },
	{
		id: 'loadHmacTs000001',
		name: 'Load HMAC',
		type: 'webhookSigningSecretApi',
		data: { scheme: 'hmac', secret: HMAC_SECRET, signedContent: 'timestampDotBody', timestampHeaderName: 'X-Webhook-Timestamp' },
	},
];

const crmWorkflow = crmTriggerWorkflow('loadCrm', 'load-crm', 'standardWebhooks', {
	webhookSigningSecretApi: { id: 'loadStandard0001', name: 'Load SW' },
});

const inboundWorkflow: WorkflowJson = workflow(
	'loadInbound',
	[
		pkgNode('inboundWebhookTrigger', {
			name: 'Inbound',
			webhookId: 'load-inbound-id',
			parameters: {
				httpMethod: ['POST'],
				path: 'load-inbound',
				authentication: 'signingSecret',
				deduplicate: true,
				eventIdPath: '$.id',
				duplicateResponse: 'reject',
			},
			credentials: { webhookSigningSecretApi: { id: 'loadHmacTs000001', name: 'Load HMAC' } },
		}),
	],
	[],
);

type Kind = 'valid' | 'forged' | 'replayed' | 'duplicate';

interface Delivery {
	kind: Kind;
	/** The event id; a duplicate repeats its original's. */
	id: string;
}

interface Target {
	name: string;
	workflow: WorkflowJson;
	path: string;
	/** Headers and body of one delivery, signed as `kind` asks. */
	request: (id: string, kind: Kind) => { headers: Record<string, string>; body: string };
	expected: Record<Kind, { status: number; error?: string; duplicate?: boolean }>;
	/** The event id as it shows in the execution's first item. */
	eventIdOf: (item: Record<string, unknown>) => unknown;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

const targets: Target[] = [
	{
		name: 'CRM Event Trigger (Standard Webhooks)',
		workflow: crmWorkflow,
		path: 'load-crm',
		request: (id, kind) => {
			const body = JSON.stringify({
				type: 'contact.created',
				timestamp: new Date().toISOString(),
				data: { id: `cont_${id}`, email: `${id}@example.com` },
			});
			const timestamp = kind === 'replayed' ? nowSeconds() - 600 : nowSeconds();
			const secret = kind === 'forged' ? FORGED_SW_SECRET : SW_SECRET;
			return { body, headers: { 'content-type': 'application/json', ...signStandardWebhook(secret, Buffer.from(body), timestamp, id) } };
		},
		expected: {
			valid: { status: 200 },
			forged: { status: 401, error: 'unauthorized' },
			replayed: { status: 401, error: 'replayed' },
			// The default: acknowledged, so the sender stops retrying, and not run again.
			duplicate: { status: 200, duplicate: true },
		},
		eventIdOf: (item) => item.eventId,
	},
	{
		name: 'Inbound Webhook Trigger (HMAC over timestamp.body)',
		workflow: inboundWorkflow,
		path: 'load-inbound',
		request: (id, kind) => {
			const body = JSON.stringify({ id, type: 'deal.updated', amount: 1200 });
			const timestamp = kind === 'replayed' ? nowSeconds() - 600 : nowSeconds();
			const secret = kind === 'forged' ? 'not-the-secret' : HMAC_SECRET;
			const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
			return {
				body,
				headers: { 'content-type': 'application/json', 'x-webhook-signature': signature, 'x-webhook-timestamp': String(timestamp) },
			};
		},
		expected: {
			valid: { status: 200 },
			forged: { status: 401, error: 'unauthorized' },
			replayed: { status: 401, error: 'replayed' },
			duplicate: { status: 409, error: 'duplicate' },
		},
		eventIdOf: (item) => (item.meta as Record<string, unknown>).eventId,
	},
];

/**
 * 2,000 events with the rejected kinds mixed in at seeded random places. A duplicate repeats a
 * random event placed before it, so its original is always sent first (workers take deliveries in order).
 */
function deliveries(prefix: string): Delivery[] {
	const random = seededRandom(SEED);
	const list: Array<Delivery | 'duplicate'> = [];
	for (let index = 0; index < EVENTS; index++) list.push({ kind: 'valid', id: `${prefix}_${index}` });
	for (let index = 0; index < FORGED; index++) list.push({ kind: 'forged', id: `${prefix}_forged_${index}` });
	for (let index = 0; index < REPLAYED; index++) list.push({ kind: 'replayed', id: `${prefix}_replayed_${index}` });
	for (let index = 0; index < DUPLICATES; index++) list.push('duplicate');
	for (let index = list.length - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[list[index], list[other]] = [list[other], list[index]];
	}
	const sentBefore: string[] = [];
	const result: Delivery[] = [];
	const postponed: number[] = [];
	for (const entry of list) {
		if (entry !== 'duplicate') {
			result.push(entry);
			if (entry.kind === 'valid') sentBefore.push(entry.id);
		} else if (sentBefore.length === 0) {
			postponed.push(0);
		} else {
			result.push({ kind: 'duplicate', id: sentBefore[Math.floor(random() * sentBefore.length)] });
		}
	}
	for (const _ of postponed) result.push({ kind: 'duplicate', id: sentBefore[Math.floor(random() * sentBefore.length)] });
	return result;
}

interface Outcome {
	kind: Kind;
	status: number;
	text: string;
	ms: number;
}

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

jest.setTimeout(900_000);

let n8n: TestN8n;
const summary: string[][] = [];

beforeAll(async () => {
	n8n = await startN8n({
		workflows: [crmWorkflow, inboundWorkflow],
		credentials,
		env: { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
	});
	// Published webhooks register just after n8n reports ready; an unsigned POST is refused (401) and starts nothing.
	for (const target of targets) {
		const deadline = Date.now() + 60_000;
		while ((await fetch(n8n.webhookUrl(target.path), { method: 'POST' })).status === 404 && Date.now() < deadline) await sleep(250);
	}
});

afterAll(async () => {
	await n8n?.stop();
	if (summary.length > 0) {
		printTable(
			`Inbound load: ${EVENTS} signed events + ${FORGED} forged + ${REPLAYED} replayed + ${DUPLICATES} duplicates per trigger, concurrency ${CONCURRENCY}, n8n heap capped at ${HEAP_MB} MB`,
			[
				'trigger',
				'requests',
				'answers',
				'executions',
				'p50 / p95 answer',
				'sent in',
				'all executions done in',
				'n8n RSS at start → peak',
				'/healthz failures',
			],
			summary,
			'inbound-load.md',
		);
	}
});

describe.each(targets)('Inbound load into the $name', (target) => {
	let outcomes: Outcome[];
	let health: HealthReport;
	let sendSeconds: number;
	let startedAt: number;

	it(`answers ${EVENTS} signed events 200 and each rejected delivery its status, at concurrency ${CONCURRENCY}`, async () => {
		const list = deliveries(target.path.replace(/\W/g, ''));
		// A duplicate goes out only after its original was answered, so which copy is "the duplicate" is certain.
		const answered = new Map<number, Promise<void>>();
		const releases = new Map<number, () => void>();
		list.forEach((delivery, index) => {
			if (delivery.kind !== 'valid') return;
			answered.set(index, new Promise<void>((resolve) => releases.set(index, resolve)));
		});
		const indexOfId = new Map(list.map((delivery, index) => [delivery.kind === 'valid' ? delivery.id : '', index]));

		const monitor = monitorHealth(n8n);
		startedAt = Date.now();
		outcomes = await runPool(list, CONCURRENCY, async (delivery, index): Promise<Outcome> => {
			if (delivery.kind === 'duplicate') await answered.get(indexOfId.get(delivery.id) as number);
			const { headers, body } = target.request(delivery.id, delivery.kind === 'duplicate' ? 'valid' : delivery.kind);
			const sent = Date.now();
			const response = await fetch(n8n.webhookUrl(target.path), { method: 'POST', headers, body });
			const text = await response.text();
			releases.get(index)?.();
			return { kind: delivery.kind, status: response.status, text, ms: Date.now() - sent };
		});
		sendSeconds = (Date.now() - startedAt) / 1000;
		health = await monitor.stop();

		for (const kind of ['valid', 'forged', 'replayed', 'duplicate'] as const) {
			const expected = target.expected[kind];
			const seen = outcomes.filter((outcome) => outcome.kind === kind);
			const wrong = seen.filter((outcome) => {
				if (outcome.status !== expected.status) return true;
				if (expected.error && (JSON.parse(outcome.text) as { error?: string }).error !== expected.error) return true;
				return expected.duplicate === true && (JSON.parse(outcome.text) as { duplicate?: boolean }).duplicate !== true;
			});
			expect({ kind, wrong: wrong.slice(0, 3) }).toEqual({ kind, wrong: [] });
		}
		expect(health.crashed).toBe(false);
	});

	it('starts exactly one execution per signed event, and none for the rest', async () => {
		const monitor = monitorHealth(n8n);
		const executions = await waitForSettled(n8n, target.workflow.id, EVENTS, EXECUTION_TIMEOUT_MS);
		const doneSeconds = (Date.now() - startedAt) / 1000;
		// Nothing late: a rejected delivery that slipped through would show up now.
		await sleep(3000);
		const settled = await n8n.executions(target.workflow.id);
		const after = await monitor.stop();
		health.peakRssBytes = Math.max(health.peakRssBytes, after.peakRssBytes);
		health.failures += after.failures;

		expect(settled.length).toBe(EVENTS);
		expect(countByStatus(settled)).toEqual({ success: EVENTS });
		expect(new Set(settled.map((execution) => execution.id)).size).toBe(EVENTS);
		expect(executions.length).toBe(EVENTS);

		// Which event each execution carried, read back from n8n: every signed event exactly once.
		const ids = await runPool(settled, 8, async (execution) => {
			const [item] = await n8n.outputItems(execution.id, target.workflow.nodes[0].name);
			return target.eventIdOf(item) as string;
		});
		const prefix = target.path.replace(/\W/g, '');
		expect([...ids].sort()).toEqual(Array.from({ length: EVENTS }, (_, index) => `${prefix}_${index}`).sort());

		const counts = countByStatus(outcomes.map((outcome) => ({ status: `${outcome.kind} ${outcome.status}` })));
		const times = outcomes.map((outcome) => outcome.ms);
		summary.push([
			target.name,
			String(outcomes.length),
			Object.entries(counts)
				.map(([key, count]) => `${count}× ${key}`)
				.join(', '),
			`${settled.length} (all success)`,
			`${percentile(times, 50)} / ${percentile(times, 95)} ms`,
			`${sendSeconds.toFixed(1)} s`,
			`${doneSeconds.toFixed(1)} s`,
			`${mb(health.startRssBytes)} → ${mb(health.peakRssBytes)}`,
			`${health.failures} of ${health.samples + after.samples}`,
		]);
	});

	it('stays healthy: /healthz answered throughout, no crash, memory bounded', async () => {
		expect(n8n.isRunning()).toBe(true);
		expect((await fetch(`${n8n.baseUrl}/healthz`)).status).toBe(200);
		expect(health.failures).toBe(0);
		expect(health.peakRssBytes).toBeGreaterThan(0);
		expect(health.peakRssBytes).toBeLessThan(MAX_RSS_BYTES);
	});
});
