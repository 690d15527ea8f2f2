/**
 * Two correctness trials, ours against the hand-built chain, in the same n8n as the timed rounds:
 * - burst: 10 identical signed copies of a fresh event sent at once; how many got past dedupe;
 * - resend: 100 distinct events at c10, then each sent again at c10; how many got past as new.
 * Ours counts executions started; the chain starts one per request, so it counts executions in
 * which the last node (after Remove Duplicates) ran.
 */
import type { TestN8n, WorkflowJson } from '../../test/n8n/harness';
import { runLoad } from '../lib/loadClient';
import { drain, executionCount } from '../lib/n8nBench';
import type { Row } from '../lib/report';
import type { chainWorkflows } from './chainSetup';
import { CHAIN_PATHS, event, signed } from './chainSetup';

const BURST_COPIES = 10;
const BURST_TRIALS = 5;
const RESEND_EVENTS = 100;
const RESEND_CONCURRENCY = 10;

type Side = 'ours' | 'chain';

/** Runs `send`, then counts what got through: executions for ours, executions that reached Done for the chain. */
async function passedDuring(n8n: TestN8n, side: Side, workflow: WorkflowJson, send: () => Promise<void>): Promise<number> {
	const before =
		side === 'ours' ? await executionCount(n8n, workflow.id) : new Set((await n8n.executions(workflow.id)).map(({ id }) => id));
	await send();
	await drain(n8n);
	if (typeof before === 'number') return (await executionCount(n8n, workflow.id)) - before;
	const fresh = (await n8n.executions(workflow.id)).filter(({ id }) => !before.has(id));
	let passed = 0;
	for (const { id } of fresh) if ((await n8n.outputItems(id, 'Done')).length > 0) passed++;
	return passed;
}

async function burst(n8n: TestN8n, side: Side, workflow: WorkflowJson): Promise<number> {
	const request = signed(event());
	return await passedDuring(n8n, side, workflow, async () => {
		const answers = await Promise.all(
			Array.from({ length: BURST_COPIES }, () =>
				fetch(n8n.webhookUrl(CHAIN_PATHS[side]), {
					method: 'POST',
					headers: request.headers,
					body: request.body,
					signal: AbortSignal.timeout(60_000),
				}),
			),
		);
		if (answers.some(({ status }) => status !== 200)) throw new Error(`${side}: a burst copy was not answered 200`);
	});
}

/** How many of the first pass got through, and how many resent copies got through as new. */
async function resend(n8n: TestN8n, side: Side, workflow: WorkflowJson): Promise<{ first: number; again: number }> {
	const requests = Array.from({ length: RESEND_EVENTS }, () => signed(event()));
	const send = async () => {
		const load = await runLoad({
			url: n8n.webhookUrl(CHAIN_PATHS[side]),
			concurrency: RESEND_CONCURRENCY,
			requests: RESEND_EVENTS,
			build: (index) => requests[index],
		});
		if (load.statuses['200'] !== RESEND_EVENTS)
			throw new Error(`${side}: resend answers ${JSON.stringify(load.statuses)}, ${load.errors} errors`);
	};
	const first = await passedDuring(n8n, side, workflow, send);
	const again = await passedDuring(n8n, side, workflow, send);
	return { first, again };
}

export async function chainTrials(
	n8n: TestN8n,
	workflows: ReturnType<typeof chainWorkflows>,
	engine: string,
): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
	const bursts: Record<Side, number[]> = { ours: [], chain: [] };
	for (let trial = 0; trial < BURST_TRIALS; trial++) {
		for (const side of ['ours', 'chain'] as const) bursts[side].push(await burst(n8n, side, workflows[side]));
	}
	const resends = { ours: await resend(n8n, 'ours', workflows.ours), chain: await resend(n8n, 'chain', workflows.chain) };
	console.error(
		`  [chain ${engine} trials] burst of ${BURST_COPIES}: ${JSON.stringify(bursts)}; resend of ${RESEND_EVENTS}: ${JSON.stringify(resends)}`,
	);
	const span = (values: number[]) =>
		Math.min(...values) === Math.max(...values) ? `${values[0]}` : `${Math.min(...values)}–${Math.max(...values)}`;
	const rows: Row[] = [
		{
			id: `8f-${engine}`,
			comparison: `${BURST_COPIES} identical signed copies at once (${BURST_TRIALS} trials): executions past dedupe`,
			ours: span(bursts.ours),
			baseline: span(bursts.chain),
			ratio: null,
			target: '1 each',
			met: bursts.ours.every((count) => count === 1),
		},
		{
			id: `8g-${engine}`,
			comparison: `${RESEND_EVENTS} ids at c${RESEND_CONCURRENCY}, then each resent: resent copies treated as new`,
			ours: String(resends.ours.again),
			baseline: String(resends.chain.again),
			ratio: null,
			target: '0',
			met: resends.ours.again === 0 && resends.ours.first === RESEND_EVENTS,
		},
	];
	return { rows, details: { bursts, resends } };
}
