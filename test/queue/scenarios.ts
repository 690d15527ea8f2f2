/**
 * The queue-mode suite's scenarios, each against one workflow of a running topology: how events are
 * sent and what was seen. The test file asserts on what these return.
 */
import type { ProcessHandle, QueueN8n } from './harness';
import { runPool, sleep } from '../reliability/support';
import type { Answer } from './traffic';
import { backgroundTraffic, eventIds, sendEvent, sendWithRetries, tally } from './traffic';
import type { Target } from './workflows';

export interface Seen {
	answers: Partial<Record<string, number>>;
	/** Ids of this scenario that started no execution, and that started more than one. */
	missing: number;
	duplicated: number;
	executions: number;
}

/** What the scenario's ids started: every id should have started exactly `expected` executions (1 or 0). */
export async function seen(queue: QueueN8n, target: Target, ids: string[], answers: Answer[], expected = 1): Promise<Seen> {
	await queue.waitUntilSettled(target.workflow.id);
	const perEvent = await queue.executionsPerEvent(target.workflow.id);
	const counts = ids.map((id) => perEvent.get(id) ?? 0);
	return {
		answers: tally(answers),
		missing: counts.filter((count) => count < expected).length,
		duplicated: counts.filter((count) => count > expected).length,
		executions: counts.reduce((sum, count) => sum + count, 0),
	};
}

const url = (queue: QueueN8n, processor: ProcessHandle, target: Target) => queue.webhookUrl(processor, target.path);

/**
 * Each id sent as `copies` copies at the same moment, alternating between the processors. A copy
 * answered 503 (the store did not answer in time) is retried as its sender would; `refused` counts those.
 */
export async function simultaneousCopies(queue: QueueN8n, target: Target, ids: string[], copies: number, processors: ProcessHandle[]) {
	const answers = (
		await runPool(ids, 10, (id) =>
			Promise.all(
				Array.from({ length: copies }, (_, copy) => sendWithRetries(url(queue, processors[copy % processors.length], target), id)),
			),
		)
	).flat();
	return { ...(await seen(queue, target, ids, answers)), refused: answers.reduce((sum, { refused }) => sum + refused, 0) };
}

/**
 * Each id sent as `copies` copies one after another, `gapMs` apart, alternating between the
 * processors, while distinct background events flow to the same workflow through both.
 */
export async function sequentialCopiesUnderLoad(
	queue: QueueN8n,
	target: Target,
	ids: string[],
	copies: number,
	gapMs: number,
	processors: ProcessHandle[],
) {
	const background = backgroundTraffic(
		processors.map((processor) => url(queue, processor, target)),
		`bg${target.trigger}${target.store}`,
	);
	const answers: Answer[] = [];
	await runPool(ids, 10, async (id) => {
		for (let copy = 0; copy < copies; copy++) {
			if (copy > 0) await sleep(gapMs);
			answers.push(await sendWithRetries(url(queue, processors[copy % processors.length], target), id));
		}
	});
	const backgroundIds = await background.stop();
	return { copies: await seen(queue, target, ids, answers), background: await seen(queue, target, backgroundIds, []) };
}

/**
 * Sends each target its ids, all at once, through the processor `processorOf(n)` picks for the n-th
 * id; as a sender does (a 503 is retried) unless `send` says otherwise.
 */
function sendToAll(
	queue: QueueN8n,
	targets: Target[],
	idsOf: (target: Target) => string[],
	processorOf: (n: number) => ProcessHandle,
	send: (url: string, id: string) => Promise<Answer> = sendWithRetries,
) {
	return Promise.all(targets.map((target) => Promise.all(idsOf(target).map((id, n) => send(url(queue, processorOf(n), target), id)))));
}

/**
 * Sends each target's ids once to `first`, then `stop` takes that processor down, then the same
 * ids go to `second`: none may run again.
 */
export async function resendAfterStop(
	queue: QueueN8n,
	targets: Target[],
	scenario: string,
	first: ProcessHandle,
	stop: () => Promise<void>,
	second: () => ProcessHandle,
) {
	const idsOf = (target: Target) => eventIds(`${scenario}${target.trigger}${target.store}`, 10);
	const before = await sendToAll(queue, targets, idsOf, () => first);
	await stop();
	const after = await sendToAll(queue, targets, idsOf, () => second());
	return await Promise.all(
		targets.map(async (target, index) => ({
			before: tally(before[index]),
			after: tally(after[index]),
			...(await seen(queue, target, idsOf(target), [...before[index], ...after[index]])),
		})),
	);
}

/**
 * The targets' dedupe store is down: events are refused with 503 and Retry-After. After `restore`,
 * new events are accepted once the trigger reconnects (probed for up to 30 s), and the refused
 * ones, sent again, run once each.
 */
export async function storeOutage(
	queue: QueueN8n,
	targets: Target[],
	scenario: string,
	outage: () => Promise<void>,
	restore: () => Promise<void>,
) {
	const idsOf = (target: Target) => eventIds(`${scenario}${target.trigger}${target.store}`, 6);
	const processorOf = (n: number) => queue.webhooks[n % 2];
	await outage();
	const during = await sendToAll(queue, targets, idsOf, processorOf, (address, id) => sendEvent(address, id));
	await restore();
	const reconnectedAfterMs = await Promise.all(targets.map((target) => probeUntilAccepted(queue, target, `${scenario}probe`, 30_000)));
	const after = await sendToAll(queue, targets, idsOf, processorOf);
	return await Promise.all(
		targets.map(async (target, index) => ({
			during: tally(during[index]),
			retryAfter: [...new Set(during[index].map((answer) => Number(answer.retryAfter) > 0))],
			reconnectedAfterMs: reconnectedAfterMs[index],
			after: tally(after[index]),
			...(await seen(queue, target, idsOf(target), [])),
		})),
	);
}

async function probeUntilAccepted(queue: QueueN8n, target: Target, scenario: string, timeoutMs: number) {
	const started = Date.now();
	for (let n = 0; Date.now() - started < timeoutMs; n++) {
		const answer = await sendEvent(url(queue, queue.webhooks[n % 2], target), `evq_${scenario}${target.trigger}${target.store}_${n}`);
		if (answer.outcome === 'accepted') return Date.now() - started;
		await sleep(250);
	}
	return -1;
}
