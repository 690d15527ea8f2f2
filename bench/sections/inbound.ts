/**
 * Comparisons 3 and 4: webhook requests through real n8n from a small closed-loop load client.
 * Accepted events (ours with HMAC vs n8n's Webhook node without checks) at concurrency 1, 10 and 50;
 * then events that must not start a workflow (forged, duplicate, filtered out) against n8n's usual
 * alternative, a Webhook node followed by an IF node. Every accepted request becomes an execution, so
 * each phase waits until n8n has finished them all and throughput counts executions, not answers.
 */
import { createHmac, randomUUID } from 'node:crypto';

import type { TestN8n, WorkflowJson } from '../../test/n8n/harness';
import type { LoadRequest, LoadResult } from '../lib/loadClient';
import { runLoad } from '../lib/loadClient';
import { drain, executionCount, lastStoppedAt } from '../lib/n8nBench';
import type { Row, Section } from '../lib/report';
import { alternate, formatNumber, medianOf, round, sleep } from '../lib/stats';
import { crmFilterWorkflow, HMAC_SECRET, inboundWorkflow, webhookIfWorkflow, webhookWorkflow } from '../workflows';

const CONCURRENCIES = [1, 10, 50];
const PHASE_MS = 3_000;
const PHASE_MAX_REQUESTS = 400;
const REJECT_CONCURRENCY = 10;

export function inboundWorkflows(): Record<string, WorkflowJson> {
	return {
		ours: inboundWorkflow('inOursHmac', 'bench-in-ours'),
		oursDedupe: inboundWorkflow('inOursDedupe', 'bench-in-dedupe', true),
		crmFilter: crmFilterWorkflow('inCrmFilter', 'bench-in-crm'),
		webhook: webhookWorkflow('inWebhook', 'bench-in-webhook'),
		webhookIf: webhookIfWorkflow('inWebhookIf', 'bench-in-webhook-if'),
	};
}

/** A SalesOS-shaped event of about 300 bytes with a fresh id. */
function event(type = 'opportunity.won'): string {
	return JSON.stringify({
		id: `evt_${randomUUID()}`,
		type,
		timestamp: new Date().toISOString(),
		organizationId: 'org_xyz789',
		data: { id: 'opp_9d1e77', name: 'Acme Corp - Annual Plan', amount: 48000, currency: 'USD', stage: 'CLOSED_WON', ownerId: 'usr_51c0de' },
	});
}

const sign = (body: string) => createHmac('sha256', HMAC_SECRET).update(body).digest('hex');
const json = { 'content-type': 'application/json' };
const signed = (body: string): LoadRequest => ({ headers: { ...json, 'x-webhook-signature': sign(body) }, body });
/** A fresh, correctly signed event for the Inbound trigger. */
export const acceptedRequest = (): LoadRequest => signed(event());
/** An event whose signature is for other bytes. */
export const forgedRequest = (): LoadRequest => ({ headers: { ...json, 'x-webhook-signature': sign('not the body') }, body: event() });

export interface Phase {
	load: Pick<LoadResult, 'completed' | 'rps' | 'p50Ms' | 'p99Ms' | 'elapsedMs' | 'statuses' | 'errors'>;
	/** Executions the phase started, counted by n8n. */
	executions: number;
	/** Executions finished per second, from the first request to the last execution's end. */
	executionRate: number;
}

/** Waits (bounded) until n8n has recorded `count` executions of a workflow; a must-not-run phase waits a moment instead. */
async function waitForCount(n8n: TestN8n, workflowId: string, count: number) {
	const deadline = Date.now() + 60_000;
	const settleUntil = Date.now() + 500;
	while (Date.now() < deadline) {
		const recorded = await executionCount(n8n, workflowId);
		if (recorded > count || (recorded === count && Date.now() >= settleUntil)) return;
		await sleep(100);
	}
}

/**
 * One load phase. Every answer must carry `status` (401 for forged, 200 otherwise): a phase whose
 * requests failed some other way would otherwise count as fast rejections.
 */
export async function phase(
	n8n: TestN8n,
	workflow: WorkflowJson,
	path: string,
	concurrency: number,
	build: (index: number) => LoadRequest,
	expectExecutions: boolean,
	status = 200,
	durationMs = PHASE_MS,
): Promise<Phase> {
	const before = await executionCount(n8n, workflow.id);
	const load = await runLoad({ url: n8n.webhookUrl(path), concurrency, requests: PHASE_MAX_REQUESTS, maxDurationMs: durationMs, build });
	const unexpected = Object.entries(load.statuses).filter(([answered]) => answered !== String(status));
	if (unexpected.length > 0 || load.errors > 0) {
		throw new Error(
			`${workflow.name}: expected every answer to be ${status}, got ${JSON.stringify(load.statuses)} and ${load.errors} errors`,
		);
	}
	const ok = load.completed;
	// n8n answers once it has stored each execution; wait for the count, then for the runs to end.
	await waitForCount(n8n, workflow.id, expectExecutions ? before + ok : before);
	await drain(n8n);
	const executions = (await executionCount(n8n, workflow.id)) - before;
	if (expectExecutions && executions !== ok) throw new Error(`${workflow.name}: ${ok} accepted requests but ${executions} executions`);
	if (!expectExecutions && executions !== 0)
		throw new Error(`${workflow.name}: ${executions} executions started for requests that must start none`);
	const finished = expectExecutions && executions > 0 ? Math.max(await lastStoppedAt(n8n, workflow.id), load.endedMs) : load.endedMs;
	const { completed, rps, p50Ms, p99Ms, elapsedMs, statuses, errors } = load;
	return {
		load: { completed, rps, p50Ms, p99Ms, elapsedMs, statuses, errors },
		executions,
		executionRate: expectExecutions ? (executions / (finished - load.startedMs)) * 1000 : rps,
	};
}

export async function inboundSection(
	n8n: TestN8n,
	workflows: Record<string, WorkflowJson>,
	rounds: number,
	label: string,
	idSuffix: string,
): Promise<Section> {
	const log = (name: string, round: number, result: Phase) =>
		console.error(
			`  [inbound ${label}] round ${round + 1} ${name}: ${formatNumber(result.load.rps)} answers/s, ${formatNumber(result.executionRate)} events/s, p50 ${formatNumber(result.load.p50Ms)} ms, p99 ${formatNumber(result.load.p99Ms)} ms, ${JSON.stringify(result.load.statuses)}`,
		);
	const accepted = (concurrency: number) => ({
		ours: () => phase(n8n, workflows.ours, 'bench-in-ours', concurrency, acceptedRequest, true),
		webhook: () => phase(n8n, workflows.webhook, 'bench-in-webhook', concurrency, () => ({ headers: json, body: event() }), true),
	});

	// Warm-up: first requests load the workflow paths, credentials and JIT.
	for (const run of Object.values(accepted(1))) await run();

	const results: Record<string, Phase[]> = {};
	for (const concurrency of CONCURRENCIES) {
		const variants = accepted(concurrency);
		Object.assign(
			results,
			await alternate<Phase>(
				rounds,
				[
					{ name: `ours HMAC c${concurrency}`, run: variants.ours },
					{ name: `Webhook node c${concurrency}`, run: variants.webhook },
				],
				log,
			),
		);
	}

	// A duplicate: one event accepted once, then sent again and again.
	const duplicate = signed(event());
	const first = await fetch(n8n.webhookUrl('bench-in-dedupe'), {
		method: 'POST',
		headers: duplicate.headers,
		body: duplicate.body,
		signal: AbortSignal.timeout(60_000),
	});
	if (first.status !== 200) throw new Error(`The event to repeat was answered ${first.status}`);
	await drain(n8n);
	Object.assign(
		results,
		await alternate<Phase>(
			rounds,
			[
				// The accepted rate the rejections are compared with, measured in the same rotation.
				{ name: 'accepted', run: () => phase(n8n, workflows.ours, 'bench-in-ours', REJECT_CONCURRENCY, acceptedRequest, true) },
				{ name: 'forged', run: () => phase(n8n, workflows.ours, 'bench-in-ours', REJECT_CONCURRENCY, forgedRequest, false, 401) },
				{ name: 'duplicate', run: () => phase(n8n, workflows.oursDedupe, 'bench-in-dedupe', REJECT_CONCURRENCY, () => duplicate, false) },
				{
					name: 'filtered out',
					run: () => phase(n8n, workflows.crmFilter, 'bench-in-crm', REJECT_CONCURRENCY, () => signed(event('lead.created')), false),
				},
				{
					name: 'Webhook + IF drops it',
					run: () =>
						phase(
							n8n,
							workflows.webhookIf,
							'bench-in-webhook-if',
							REJECT_CONCURRENCY,
							() => ({ headers: json, body: event('lead.created') }),
							true,
						),
				},
			],
			log,
		),
	);

	const median = (name: string, pick: (phase: Phase) => number) => medianOf(results[name], pick);
	const eventsPerSecond = (name: string) => median(name, (result) => result.executionRate);
	const describe = (name: string) =>
		`${formatNumber(eventsPerSecond(name))}/s, p50 ${formatNumber(median(name, (result) => result.load.p50Ms))} ms, p99 ${formatNumber(median(name, (result) => result.load.p99Ms))} ms`;

	const tag = label ? ` [${label}]` : '';
	const rows: Row[] = CONCURRENCIES.map((concurrency, index) => {
		const ratio = eventsPerSecond(`ours HMAC c${concurrency}`) / eventsPerSecond(`Webhook node c${concurrency}`);
		return {
			id: `3${'abc'[index]}${idSuffix}`,
			comparison: `Inbound accepted, c${concurrency}${tag}: ours with HMAC vs Webhook node without a check`,
			ours: describe(`ours HMAC c${concurrency}`),
			baseline: describe(`Webhook node c${concurrency}`),
			ratio,
			target: '≥ 0.95×',
			met: ratio >= 0.95,
		};
	});
	const acceptedRate = eventsPerSecond('accepted');
	(['forged', 'duplicate', 'filtered out'] as const).forEach((name, index) => {
		const ratio = eventsPerSecond(name) / acceptedRate;
		rows.push({
			id: `4${'abc'[index]}${idSuffix}`,
			comparison: `Must not run, ${name}${name === 'filtered out' ? ' by the CRM trigger' : ''}, c${REJECT_CONCURRENCY}${tag}: vs our accepted rate in the same rounds`,
			ours: `${formatNumber(eventsPerSecond(name))}/s, p50 ${formatNumber(median(name, (result) => result.load.p50Ms))} ms`,
			baseline: `${formatNumber(acceptedRate)}/s`,
			ratio,
			target: '≥ 10×',
			met: ratio >= 10,
		});
	});
	const ifName = 'Webhook + IF drops it';
	rows.push({
		id: `4d${idSuffix}`,
		comparison: `Must not run, c${REJECT_CONCURRENCY}${tag}: ours filtered out vs Webhook + IF (an execution each)`,
		ours: `${formatNumber(eventsPerSecond('filtered out'))}/s`,
		baseline: `${formatNumber(eventsPerSecond(ifName))}/s`,
		ratio: eventsPerSecond('filtered out') / eventsPerSecond(ifName),
		target: '—',
		met: null,
	});

	return {
		rows,
		details: {
			label,
			phaseMs: PHASE_MS,
			phaseMaxRequests: PHASE_MAX_REQUESTS,
			medians: Object.fromEntries(
				Object.keys(results).map((name) => [
					name,
					{
						answersPerSecond: round(median(name, (result) => result.load.rps)),
						eventsPerSecond: round(eventsPerSecond(name)),
						p50Ms: round(median(name, (result) => result.load.p50Ms)),
						p99Ms: round(median(name, (result) => result.load.p99Ms)),
					},
				]),
			),
			rounds: results,
		},
	};
}
