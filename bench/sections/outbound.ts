/**
 * Comparisons 1 and 2: 5,000 deliveries of a 1 KB JSON body from real n8n to a keep-alive loopback
 * receiver in its own process, clean and with a faulty receiver; and the raw keep-alive client at
 * equal concurrency. Every variant runs in every round, in alternating order.
 */
import type { TestN8n, WorkflowJson } from '../../test/n8n/harness';
import { runClient } from '../lib/clients';
import { runWorkflow } from '../lib/n8nBench';
import type { Receiver, ReceiverStats } from '../lib/receiver';
import type { Row, Section } from '../lib/report';
import { alternate, formatNumber, medianOf, round } from '../lib/stats';
import { floorWorkflow, httpRequestWorkflow, itemJson, outboundWorkflow } from '../workflows';

/** The Node binary n8n runs on, and n8n's own bin (to resolve its dependencies). */
export interface ClientRuntime {
	nodeBin: string;
	n8nBin: string;
}

export const ITEMS = 5_000;
const HIGH_CONCURRENCY = 100;
/** Single rounds of the cost comparison vary by ±25 %, so it takes more rounds than the rest. */
export const COST_ROUNDS = 11;

export interface OutboundRun {
	/** Webhook POST to answer: the execution from start to finish (0 for the raw client). */
	e2eMs: number;
	/** First to last request at the receiver. */
	windowMs: number;
	requests: number;
	connections: number;
	uniqueIds: number;
	duplicatesById: number;
	duplicatesByKey: number;
}

/** Workflow ids differ in their first 16 characters, which is all n8n keeps. */
export function outboundWorkflows(receiver: Receiver): Record<string, WorkflowJson> {
	return {
		oursTen: outboundWorkflow('outOursTen', receiver.url('/ours')),
		oursHundred: outboundWorkflow('outOursHundred', receiver.url('/ours'), { concurrency: HIGH_CONCURRENCY }),
		oursSigned: outboundWorkflow('outOursSigned', receiver.url('/ours-signed'), {
			concurrency: HIGH_CONCURRENCY,
			signed: true,
			capture: true,
		}),
		httpRequest: httpRequestWorkflow('outHttpRequest', receiver.url('/http-request')),
		floor: floorWorkflow('outFloor'),
		oursFaulty: outboundWorkflow('faultyOurs', receiver.url('/ours-faulty'), { concurrency: HIGH_CONCURRENCY }),
		httpRequestRetry: httpRequestWorkflow('faultyHttpRequest', receiver.url('/http-request-faulty'), true),
	};
}

const fromStats = (stats: ReceiverStats, e2eMs: number): OutboundRun => ({
	e2eMs,
	windowMs: stats.lastMs - stats.firstMs,
	requests: stats.requests,
	connections: stats.connections,
	uniqueIds: stats.uniqueIds,
	duplicatesById: stats.duplicatesById,
	duplicatesByKey: stats.duplicatesByKey,
});

async function inN8n(n8n: TestN8n, receiver: Receiver, workflow: WorkflowJson, failEvery = 0, sends = true): Promise<OutboundRun> {
	await receiver.reset({ failFirstAttemptEvery: failEvery });
	const run = await runWorkflow(n8n, workflow.name, { count: ITEMS });
	if (run.status !== 200) throw new Error(`${workflow.name} answered ${run.status}: ${run.text.slice(0, 300)}`);
	const result = fromStats(await receiver.stats(), run.ms);
	if (sends && result.uniqueIds !== ITEMS) throw new Error(`${workflow.name}: the receiver got ${result.uniqueIds} of ${ITEMS} items`);
	return result;
}

/** The raw keep-alive node:http client, run on n8n's own Node in a child process. */
async function rawClient(receiver: Receiver, runtime: ClientRuntime, concurrency: number): Promise<OutboundRun> {
	await receiver.reset();
	const ms = await runClient(runtime.nodeBin, {
		client: 'raw',
		url: receiver.url('/raw'),
		concurrency,
		requests: ITEMS,
		n8nBin: runtime.n8nBin,
	});
	return fromStats(await receiver.stats(), ms);
}

const perSecond = (items: number, ms: number) => (items / ms) * 1000;
const rate = (ms: number) => `${formatNumber(perSecond(ITEMS, ms))}/s (${formatNumber(ms)} ms)`;

export async function outboundSection(
	n8n: TestN8n,
	receiver: Receiver,
	workflows: Record<string, WorkflowJson>,
	runtime: ClientRuntime,
	rounds: number,
): Promise<Section> {
	const progress = (name: string, round: number, run: OutboundRun) =>
		console.error(
			`  [outbound] round ${round + 1} ${name}: e2e ${Math.round(run.e2eMs)} ms, receiver ${Math.round(run.windowMs)} ms, ${run.requests} requests, ${run.connections} new connections`,
		);

	// One warm-up pass, so connection pools and JIT are in the state they are in after the first execution.
	await inN8n(n8n, receiver, workflows.oursTen);
	await inN8n(n8n, receiver, workflows.httpRequest);

	const high = `ours c${HIGH_CONCURRENCY}`;
	const signed = `${high} signed + capture`;
	const clean = await alternate<OutboundRun>(
		rounds,
		[
			{ name: 'ours c10', run: () => inN8n(n8n, receiver, workflows.oursTen) },
			{ name: `ours c${HIGH_CONCURRENCY}`, run: () => inN8n(n8n, receiver, workflows.oursHundred) },
			{ name: `ours c${HIGH_CONCURRENCY} signed + capture`, run: () => inN8n(n8n, receiver, workflows.oursSigned) },
			{ name: 'HTTP Request node', run: () => inN8n(n8n, receiver, workflows.httpRequest) },
			{ name: 'raw client c10', run: () => rawClient(receiver, runtime, 10) },
			{ name: `raw client c${HIGH_CONCURRENCY}`, run: () => rawClient(receiver, runtime, HIGH_CONCURRENCY) },
			{ name: 'n8n floor (no sender)', run: () => inN8n(n8n, receiver, workflows.floor, 0, false) },
		],
		progress,
	);
	// The cost of signing + capture in rounds of its own, with n8n's floor (the same 5,000 items, no
	// sender) in every round: the rotation above puts whichever variant follows the HTTP Request node
	// (5,000 fresh connections, a bigger heap) at a disadvantage that moved single rounds by ±50 %.
	const m = (runs: OutboundRun[], pick: (run: OutboundRun) => number) => medianOf(runs, pick);
	const costRounds = Math.max(rounds, COST_ROUNDS);
	const cost = await alternate<OutboundRun>(
		costRounds,
		[
			{ name: `${high} (cost rounds)`, run: () => inN8n(n8n, receiver, workflows.oursHundred) },
			{ name: `${signed} (cost rounds)`, run: () => inN8n(n8n, receiver, workflows.oursSigned) },
			{ name: 'n8n floor (cost rounds)', run: () => inN8n(n8n, receiver, workflows.floor, 0, false) },
		],
		progress,
	);
	const costMedian = (name: string) => m(cost[name], (run) => run.e2eMs);
	const withCost = costMedian(`${signed} (cost rounds)`);
	const withoutCost = costMedian(`${high} (cost rounds)`);
	const costFloor = costMedian('n8n floor (cost rounds)');
	/** Ratio of the medians, execution start to finish: what a user waits for. */
	const costRatio = withCost / withoutCost;
	/** The same without n8n's own share (creating and storing the items): the node's work alone. */
	const nodeCostRatio = (withCost - costFloor) / (withoutCost - costFloor);
	const faulty = await alternate<OutboundRun>(
		rounds,
		[
			{ name: `ours c${HIGH_CONCURRENCY}, faulty receiver`, run: () => inN8n(n8n, receiver, workflows.oursFaulty, 10) },
			{
				name: 'HTTP Request node + Retry On Fail (3 tries), faulty receiver',
				run: () => inN8n(n8n, receiver, workflows.httpRequestRetry, 10),
			},
		],
		progress,
	);

	const e2e = (name: string) => m(clean[name], (run) => run.e2eMs);
	const window = (name: string) => m(clean[name], (run) => run.windowMs);
	const rawHigh = `raw client c${HIGH_CONCURRENCY}`;
	const oursFaulty = faulty[`${high}, faulty receiver`];
	const httpFaulty = faulty['HTTP Request node + Retry On Fail (3 tries), faulty receiver'];
	const requestsPerItem = (runs: OutboundRun[]) => m(runs, (run) => run.requests) / ITEMS;
	const duplicates = (runs: OutboundRun[]) => m(runs, (run) => Math.max(run.duplicatesById, run.duplicatesByKey));
	const floor = e2e('n8n floor (no sender)');

	/** Same work, less time is better: ratio = baseline time ÷ our time. */
	const faster = (id: string, comparison: string, ours: number, baseline: number, minimum: number): Row => ({
		id,
		comparison,
		ours: rate(ours),
		baseline: rate(baseline),
		ratio: baseline / ours,
		target: `≥ ${minimum}×`,
		met: baseline / ours >= minimum,
	});
	const settle = (runs: OutboundRun[]) => m(runs, (run) => run.e2eMs);
	const rows: Row[] = [
		faster(
			'1a',
			'Outbound 5,000 × 1 KB, at the receiver, c10: ours vs raw keep-alive client',
			window('ours c10'),
			window('raw client c10'),
			0.8,
		),
		faster('1b', `Outbound, at the receiver, c${HIGH_CONCURRENCY}: ours vs raw keep-alive client`, window(high), window(rawHigh), 0.8),
		faster(
			'1c',
			`Outbound, execution start to finish: ours c${HIGH_CONCURRENCY} vs HTTP Request node`,
			e2e(high),
			e2e('HTTP Request node'),
			0.9,
		),
		faster(
			'1d',
			'Outbound, execution start to finish: ours c10 (default) vs HTTP Request node',
			e2e('ours c10'),
			e2e('HTTP Request node'),
			0.9,
		),
		faster(
			'1e',
			`Outbound, first to last request: ours c${HIGH_CONCURRENCY} vs HTTP Request node`,
			window(high),
			window('HTTP Request node'),
			0.9,
		),
		{
			id: '1f',
			comparison: `Signing (Standard Webhooks) + JSONPath capture, c${HIGH_CONCURRENCY}, execution start to finish: median with ÷ median without, ${costRounds} rounds`,
			ours: `${formatNumber(withCost)} ms`,
			baseline: `${formatNumber(withoutCost)} ms`,
			ratio: costRatio,
			target: '≤ 1.10×',
			met: costRatio <= 1.1,
		},
		{
			id: '1g',
			comparison: `The same, the node's own time only (minus n8n's ${formatNumber(costFloor)} ms for the same items without a sender)`,
			ours: `${formatNumber(withCost - costFloor)} ms`,
			baseline: `${formatNumber(withoutCost - costFloor)} ms`,
			ratio: nodeCostRatio,
			target: '≤ 1.10×',
			met: nodeCostRatio <= 1.1,
		},
		{
			id: '2a',
			comparison: 'Faulty receiver (1st attempt of every 10th item → 503): requests per item, vs HTTP Request + Retry On Fail',
			ours: formatNumber(requestsPerItem(oursFaulty)),
			baseline: formatNumber(requestsPerItem(httpFaulty)),
			ratio: null,
			target: '≤ 1.11',
			met: requestsPerItem(oursFaulty) <= 1.11,
		},
		{
			id: '2b',
			comparison: 'Faulty receiver: duplicate deliveries (by idempotency key / item id)',
			ours: formatNumber(duplicates(oursFaulty)),
			baseline: formatNumber(duplicates(httpFaulty)),
			ratio: null,
			target: '0',
			met: duplicates(oursFaulty) === 0,
		},
		{
			id: '2c',
			comparison: 'Faulty receiver: time until every item is settled',
			ours: `${formatNumber(settle(oursFaulty))} ms`,
			baseline: `${formatNumber(settle(httpFaulty))} ms`,
			ratio: settle(httpFaulty) / settle(oursFaulty),
			target: '—',
			met: null,
		},
	];
	return {
		rows,
		details: {
			items: ITEMS,
			roundCount: rounds,
			itemBytes: itemJson(0).length,
			highConcurrency: HIGH_CONCURRENCY,
			floorE2eMs: round(floor),
			medians: Object.fromEntries(
				Object.entries({ ...clean, ...cost, ...faulty }).map(([name, runs]) => [
					name,
					{
						e2eMs: round(m(runs, (run) => run.e2eMs)),
						windowMs: round(m(runs, (run) => run.windowMs)),
						requests: m(runs, (run) => run.requests),
						connections: m(runs, (run) => run.connections),
						duplicatesById: m(runs, (run) => run.duplicatesById),
						duplicatesByKey: m(runs, (run) => run.duplicatesByKey),
					},
				]),
			),
			rounds: { ...clean, ...cost, ...faulty },
		},
	};
}
