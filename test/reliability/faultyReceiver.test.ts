import { randomUUID } from 'node:crypto';

import type { Json, TestN8n } from '../n8n/harness';
import type { AttemptRecord } from '../../nodes/shared/outbound/runner';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';
import type { Receiver } from '../integration/outbound/receiver';
import { startReceiver } from '../integration/outbound/receiver';
import { hashedRandom, mb, monitorHealth, printTable, waitForSettled, weighted } from './support';

/**
 * Faulty receiver: the Outbound Webhook node delivers 1,000 items through a real n8n to a loopback
 * receiver that answers each attempt, at random with a fixed seed, 500, 503, 429 with Retry-After: 1,
 * a reset connection, a stall past the node's timeout, or 200. Short waits are retried inside the
 * execution; longer ones leave through Retry Later and loop back through a Wait node, as users are
 * told to build it. Every item must end in exactly one output, the receiver must have accepted
 * exactly the Delivered items (by idempotency key), and every attempt must follow the policy's waits.
 */
const SEED = 20240611;
const ITEMS = 1000;
const TIMEOUT_S = 1;
/** Waits before attempts 2–5: over 1 s goes to Retry Later (after attempts 2 and 4), the rest wait in the execution. */
const SCHEDULE_MS = [300, 1500, 500, 1500];
const SCHEDULE = '300ms,1500ms,500ms,1500ms';
const RETRY_LATER_ABOVE_S = 1;
const RETRY_AFTER_MS = 1000;
const CONCURRENCY = 20;
/**
 * How late an attempt may come after it is due. A due item may wait for a free slot, which a stalled
 * attempt holds for the whole timeout; across a Wait-node loop, n8n also has to resume the execution.
 */
const LATE_IN_RUN_MS = TIMEOUT_S * 1000 + 300;
const LATE_ACROSS_RUNS_MS = TIMEOUT_S * 1000 + 800;
/** Date.now() is read at slightly different points by the node and the receiver. */
const EARLY_MS = 5;

type Fault = '200' | '500' | '503' | '429' | 'reset' | 'stall';
const FAULTS: Array<[Fault, number]> = [
	['200', 50],
	['500', 10],
	['503', 10],
	['429', 10],
	['reset', 10],
	['stall', 10],
];
/** What the node records for each fault. */
const RECORDED: Record<Fault, { statusCode?: number; errorCode?: string }> = {
	'200': { statusCode: 200 },
	'500': { statusCode: 500 },
	'503': { statusCode: 503 },
	'429': { statusCode: 429 },
	reset: { errorCode: 'ECONNRESET' },
	stall: { errorCode: 'ETIMEDOUT' },
};

interface Arrival {
	at: number;
	fault: Fault;
	id: number;
}

interface Delivery {
	status: string;
	idempotencyKey: string;
	attempts: AttemptRecord[];
	nextAttemptAt?: string;
}

const arrivals = new Map<string, Arrival[]>();
let receiver: Receiver;
let n8n: TestN8n;

const deliveryWorkflow = () =>
	workflow(
		'faultyReceiver',
		[
			coreNode('webhook', {
				name: 'Webhook',
				typeVersion: 2,
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: 'faulty-receiver', options: {} },
			}),
			coreNode('splitOut', { name: 'Items', parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields' } }),
			pkgNode('outboundWebhook', {
				name: 'Deliver',
				// A fixed node id makes the idempotency keys, and so the faults the seed picks, the same in every run.
				id: 'a1d3c0de-0000-4000-8000-00000000fa17',
				parameters: {
					method: 'POST',
					url: receiver.url('/faulty'),
					content: 'wholeItem',
					retry: { backoff: 'schedule', schedule: SCHEDULE, retryLaterThreshold: RETRY_LATER_ABOVE_S, maxDelay: 5 },
					options: { timeout: TIMEOUT_S, concurrency: CONCURRENCY },
				},
			}),
			// The earliest nextAttemptAt of the batch: items due later come back early and the node sleeps until their time.
			coreNode('wait', {
				name: 'Wait',
				typeVersion: 1.1,
				webhookId: randomUUID(),
				parameters: {
					resume: 'specificTime',
					dateTime: '={{ $input.all().map(item => item.json.delivery.nextAttemptAt).sort()[0] }}',
				},
			}),
			coreNode('noOp', { name: 'Delivered' }),
			coreNode('noOp', { name: 'Failed' }),
		],
		[
			['Webhook', 'Items'],
			['Items', 'Deliver'],
			['Deliver', 'Delivered', 0],
			['Deliver', 'Wait', 1],
			['Deliver', 'Failed', 2],
			['Wait', 'Deliver'],
		],
	);

jest.setTimeout(600_000);

beforeAll(async () => {
	receiver = await startReceiver();
	receiver.script((request, res) => {
		const at = Date.now();
		const key = String(request.headers['idempotency-key']);
		const seen = arrivals.get(key) ?? [];
		arrivals.set(key, seen);
		const fault = weighted(FAULTS, hashedRandom(SEED, key, seen.length));
		seen.push({ at, fault, id: (JSON.parse(request.body.toString()) as { id: number }).id });
		switch (fault) {
			case 'reset':
				return void res.socket?.destroy();
			case 'stall':
				return; // no answer: the node's 1 s timeout ends the attempt
			case '429':
				return void res.writeHead(429, { 'retry-after': '1' }).end();
			default:
				res.writeHead(Number(fault), { 'content-type': 'application/json' }).end(fault === '200' ? '{"ok":true}' : '{"error":"try again"}');
		}
	});
	n8n = await startN8n({ workflows: [deliveryWorkflow()] });
});

afterAll(async () => {
	await n8n?.stop();
	await receiver?.close();
});

const itemId = (item: Json) => item.id as number;
const deliveryOf = (item: Json) => item.delivery as unknown as Delivery;
const endOf = (attempt: AttemptRecord) => Date.parse(attempt.startedAt) + attempt.durationMs;

describe('Outbound Webhook against a faulty receiver in real n8n', () => {
	let runs: Array<{ outputs: Json[][] }>;
	let waits: Array<{ outputs: Json[][] }>;
	let seconds: number;
	let peakRss: number;
	let deviation = '';

	beforeAll(async () => {
		const monitor = monitorHealth(n8n);
		const started = Date.now();
		const items = Array.from({ length: ITEMS }, (_, id) => ({ id }));
		const response = await fetch(n8n.webhookUrl('faulty-receiver'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ items }),
		});
		expect(response.status).toBe(200);
		const [execution] = await waitForSettled(n8n, deliveryWorkflow().id, 1, 300_000, 500);
		seconds = (Date.now() - started) / 1000;
		peakRss = (await monitor.stop()).peakRssBytes;
		expect(execution.status).toBe('success');
		const { nodes } = await n8n.executionData(execution.id);
		runs = nodes.Deliver;
		waits = nodes.Wait ?? [];
	});

	it('puts every item in exactly one output of each run, and carries Retry Later items into the next run', () => {
		expect(runs.length).toBeGreaterThanOrEqual(2);
		let inputs = Array.from({ length: ITEMS }, (_, id) => id);
		for (const [index, run] of runs.entries()) {
			const out = run.outputs.map((items) => (items ?? []).map(itemId));
			expect([...out[0], ...out[1], ...out[2]].sort((a, b) => a - b)).toEqual([...inputs].sort((a, b) => a - b));
			expect(run.outputs[0].every((item) => deliveryOf(item).status === 'delivered')).toBe(true);
			expect(run.outputs[1].every((item) => deliveryOf(item).status === 'retry_later')).toBe(true);
			expect(run.outputs[2].every((item) => deliveryOf(item).status === 'failed')).toBe(true);
			if (out[1].length > 0) expect(waits[index].outputs[0].map(itemId)).toEqual(out[1]);
			inputs = out[1];
		}
		expect(inputs).toEqual([]);
	});

	it('ends each item in Delivered or Failed exactly once: nothing lost, nothing duplicated', () => {
		const final = runs.flatMap((run) => [...run.outputs[0], ...run.outputs[2]]).map(itemId);
		expect(final.length).toBe(ITEMS);
		expect(new Set(final).size).toBe(ITEMS);
	});

	it('gives up on an item only when its five attempts are used up', () => {
		const failed = runs.flatMap((run) => run.outputs[2]).map(deliveryOf);
		const seen = failed.map((delivery) => (arrivals.get(delivery.idempotencyKey) ?? []).map((arrival) => arrival.fault));
		expect(failed.map((delivery) => delivery.attempts.length)).toEqual(failed.map(() => SCHEDULE_MS.length + 1));
		// No attempt of a Failed item was accepted, and each was answered with a retryable fault.
		for (const faults of seen) expect(faults.filter((fault) => fault === '200')).toEqual([]);
	});

	it('has the receiver accept exactly the Delivered items, counted by distinct idempotency key', () => {
		const delivered = runs.flatMap((run) => run.outputs[0]);
		const failed = runs.flatMap((run) => run.outputs[2]);
		const accepted = new Set([...arrivals].filter(([, list]) => list.some((arrival) => arrival.fault === '200')).map(([key]) => key));
		expect(accepted.size).toBe(delivered.length);
		for (const item of delivered) expect(accepted.has(deliveryOf(item).idempotencyKey)).toBe(true);
		for (const item of failed) expect(accepted.has(deliveryOf(item).idempotencyKey)).toBe(false);
		// A key stays with its item through every retry and every run.
		for (const item of [...delivered, ...failed]) {
			const list = arrivals.get(deliveryOf(item).idempotencyKey) ?? [];
			expect(new Set(list.map((arrival) => arrival.id))).toEqual(new Set([itemId(item)]));
		}
		// Once accepted, never sent again.
		for (const list of arrivals.values()) expect(list.filter((arrival) => arrival.fault === '200').length).toBeLessThanOrEqual(1);
	});

	it("records every attempt as the receiver saw it, waiting the policy's delays within tolerance", () => {
		// A run hands its outputs on only when all its items are done, so a Retry Later item's next
		// attempt is due at its nextAttemptAt (the attempt's end plus the wait) or at the run's end,
		// whichever is later. The time spent waiting for the batch is reported as such.
		const runEnds = runs.map((run) =>
			Math.max(...run.outputs.flat().map((item) => endOf(deliveryOf(item).attempts.at(-1) as AttemptRecord))),
		);
		const parked = new Map<string, { runEnd: number; nextAttemptAt: number }>();
		runs.forEach((run, index) => {
			for (const item of run.outputs[1]) {
				const delivery = deliveryOf(item);
				parked.set(`${delivery.idempotencyKey}#${delivery.attempts.length}`, {
					runEnd: runEnds[index],
					nextAttemptAt: Date.parse(delivery.nextAttemptAt as string),
				});
			}
		});
		const finals = runs.flatMap((run) => [...run.outputs[0], ...run.outputs[2]]);
		const late = { inRun: 0, acrossRuns: 0, batchWait: 0 };
		let worstEarly = Infinity;
		const problems: string[] = [];
		for (const item of finals) {
			const delivery = deliveryOf(item);
			const seen = arrivals.get(delivery.idempotencyKey) ?? [];
			const { attempts } = delivery;
			if (attempts.length !== seen.length)
				problems.push(`item ${itemId(item)}: ${attempts.length} attempts recorded, ${seen.length} received`);
			for (const [index, attempt] of attempts.entries()) {
				const arrival = seen[index];
				if (!arrival) break;
				const recorded = { statusCode: attempt.statusCode, errorCode: attempt.errorCode };
				const expected = { statusCode: RECORDED[arrival.fault].statusCode, errorCode: RECORDED[arrival.fault].errorCode };
				if (JSON.stringify(recorded) !== JSON.stringify(expected)) {
					problems.push(
						`item ${itemId(item)} attempt ${attempt.number}: receiver answered ${arrival.fault}, node recorded ${JSON.stringify(recorded)}`,
					);
				}
				const next = seen[index + 1];
				if (!next) continue;
				const policyDelay = arrival.fault === '429' ? RETRY_AFTER_MS : SCHEDULE_MS[index];
				if (attempt.delayBeforeNextMs !== policyDelay) {
					problems.push(
						`item ${itemId(item)} attempt ${attempt.number}: waited ${attempt.delayBeforeNextMs} ms, policy says ${policyDelay}`,
					);
				}
				const left = parked.get(`${delivery.idempotencyKey}#${attempt.number}`);
				if ((left !== undefined) !== policyDelay > RETRY_LATER_ABOVE_S * 1000) {
					problems.push(
						`item ${itemId(item)} attempt ${attempt.number}: a ${policyDelay} ms wait ${left === undefined ? 'stayed in' : 'left'} the execution`,
					);
				}
				const planned = endOf(attempt) + policyDelay;
				if (left && left.nextAttemptAt < planned - EARLY_MS) {
					problems.push(
						`item ${itemId(item)} attempt ${attempt.number}: nextAttemptAt is ${planned - left.nextAttemptAt} ms before the attempt's end plus the wait`,
					);
				}
				const due = left ? Math.max(left.nextAttemptAt, left.runEnd) : planned;
				const lateness = next.at - due;
				worstEarly = Math.min(worstEarly, next.at - planned);
				if (left) {
					late.acrossRuns = Math.max(late.acrossRuns, lateness);
					late.batchWait = Math.max(late.batchWait, left.runEnd - left.nextAttemptAt);
				} else late.inRun = Math.max(late.inRun, lateness);
				if (next.at < planned - EARLY_MS || lateness > (left ? LATE_ACROSS_RUNS_MS : LATE_IN_RUN_MS)) {
					problems.push(
						`item ${itemId(item)} attempt ${attempt.number + 1} came ${lateness} ms after it was due (${policyDelay} ms wait${left ? ', across runs' : ''})`,
					);
				}
			}
		}
		expect(problems.slice(0, 10)).toEqual([]);
		deviation = `never early (≥ ${worstEarly} ms); late ≤ ${late.inRun} ms in a run, ≤ ${late.acrossRuns} ms after a Wait loop (+ up to ${(late.batchWait / 1000).toFixed(1)} s for the batch to finish)`;
	});

	it('prints the figures', () => {
		const requests = [...arrivals.values()].flat();
		const faults = Object.fromEntries(FAULTS.map(([fault]) => [fault, requests.filter((arrival) => arrival.fault === fault).length]));
		const delivered = runs.reduce((sum, run) => sum + run.outputs[0].length, 0);
		const failed = runs.reduce((sum, run) => sum + run.outputs[2].length, 0);
		const acceptedKeys = [...arrivals.values()].filter((list) => list.some((arrival) => arrival.fault === '200')).length;
		const finalIds = runs.flatMap((run) => [...run.outputs[0], ...run.outputs[2]]).map(itemId);
		const lost = ITEMS - new Set(finalIds).size;
		const duplicated = finalIds.length - new Set(finalIds).size;
		printTable(
			`Faulty receiver: ${ITEMS} items, seed ${SEED}, timeout ${TIMEOUT_S} s, schedule ${SCHEDULE}, Retry Later above ${RETRY_LATER_ABOVE_S} s, concurrency ${CONCURRENCY}`,
			[
				'requests',
				'answers injected',
				'runs (Wait loops)',
				'Retry Later per run',
				'Delivered',
				'Failed',
				'lost / duplicated',
				'wait deviation',
				'took',
				'peak n8n RSS',
			],
			[
				[
					String(requests.length),
					Object.entries(faults)
						.map(([fault, count]) => `${fault}: ${count}`)
						.join(', '),
					String(runs.length),
					runs.map((run) => run.outputs[1].length).join(' → '),
					`${delivered} (receiver accepted ${acceptedKeys} keys)`,
					String(failed),
					`${lost} / ${duplicated}`,
					deviation,
					`${seconds.toFixed(1)} s`,
					mb(peakRss),
				],
			],
			'faulty-receiver.md',
		);
	});

	it('leaves n8n healthy', async () => {
		expect(n8n.isRunning()).toBe(true);
		expect((await fetch(`${n8n.baseUrl}/healthz`)).status).toBe(200);
	});
});
