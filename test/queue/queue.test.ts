import type { Json } from '../n8n/harness';
import type { Receiver } from '../integration/outbound/receiver';
import { startReceiver } from '../integration/outbound/receiver';
import { printTable, runPool, sleep } from '../reliability/support';
import type { ProcessHandle, QueueN8n } from './harness';
import { QUEUE_LOGS, startDedupeStores, startQueueN8n } from './harness';
import { resendAfterStop, seen, sequentialCopiesUnderLoad, simultaneousCopies, storeOutage } from './scenarios';
import { countValues, eventIds, sendEvent } from './traffic';
import type { Target } from './workflows';
import { OUTBOUND_PATH, PLAIN_PATH, TARGETS, outboundWorkflow, plainTarget, plainWorkflow, signingCredential } from './workflows';

/**
 * n8n 2.x in queue mode: a main process, two webhook processors and two workers sharing PostgreSQL
 * and Redis, with the packed package. Every scenario runs in this one topology and counts executions
 * per event id in n8n's database; scenarios on different workflows run side by side.
 */
const RETRY_WAIT_S = 67;
const OUTBOUND_ITEMS = 3;

let stores: Awaited<ReturnType<typeof startDedupeStores>> | undefined;
let queue: QueueN8n;
let receiver: Receiver;
const attempts = new Map<string, number[]>();
const report: string[][] = [];
const note = (scenario: string, figures: unknown) => report.push([scenario, JSON.stringify(figures)]);
const label = (target: Target) => `${target.trigger}/${target.store}`;
const alive = () => queue.webhooks.filter((processor) => !processor.exited());

jest.setTimeout(15 * 60_000);

beforeAll(async () => {
	receiver = await startReceiver();
	// The first attempt of every delivery is answered 503, every later one 200.
	receiver.script((request, res) => {
		const key = String(request.headers['idempotency-key']);
		const seenAt = attempts.get(key) ?? [];
		seenAt.push(Date.now());
		attempts.set(key, seenAt);
		res.writeHead(seenAt.length === 1 ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
	});
	stores = await startDedupeStores();
	queue = await startQueueN8n({
		credentials: [signingCredential, ...stores.credentials],
		workflows: [plainWorkflow, ...TARGETS.map(({ workflow }) => workflow), outboundWorkflow(receiver.url('/queue'), RETRY_WAIT_S)],
	});
});

afterAll(async () => {
	await queue?.stop();
	await stores?.stop();
	await receiver?.close();
	if (report.length > 0)
		printTable(`Queue mode: main, 2 webhook processors, 2 workers (logs: ${QUEUE_LOGS})`, ['scenario', 'seen'], report);
});

/**
 * Final answers other than "accepted" and "duplicate". Under load an attempt can end in a 503 or no
 * answer although its execution started; its sender's retry is then answered "duplicate", so the
 * number of "accepted" answers may be lower than the number of executions.
 */
const unsettled = (answers: Partial<Record<string, number>>) =>
	Object.keys(answers).filter((outcome) => !['accepted', 'duplicate'].includes(outcome));

describe('n8n in queue mode with the packed package', () => {
	let outboundExecution = '';

	it('parks an Outbound Webhook Retry Later wait over 65 s in a persisted Wait node', async () => {
		const items = Array.from({ length: OUTBOUND_ITEMS }, (_, id) => ({ id }));
		const response = await fetch(queue.webhookUrl(queue.webhooks[0], OUTBOUND_PATH), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ items }),
		});
		expect(response.status).toBe(200);
		const deadline = Date.now() + 60_000;
		let executions = await queue.executions(outboundWorkflow('', 0).id);
		while (executions[0]?.status !== 'waiting' && Date.now() < deadline) {
			await sleep(250);
			executions = await queue.executions(outboundWorkflow('', 0).id);
		}
		expect(executions.map(({ status }) => status)).toEqual(['waiting']);
		outboundExecution = executions[0].id;
		expect(attempts.size).toBe(OUTBOUND_ITEMS);
	});

	it('runs 500 distinct signed events sent at concurrency 20 across both processors exactly once each, on workers', async () => {
		const ids = eventIds('distinct', 500);
		const [first, second] = queue.webhooks;
		const answers = await runPool(ids, 20, (id, n) => sendEvent(queue.webhookUrl(n % 2 ? second : first, PLAIN_PATH), id));
		const figures = await seen(queue, plainTarget, ids, answers);
		const executions = await queue.executions(plainWorkflow.id);
		const ranOn = queue.workerExecutions();
		const workers = executions.map(({ id }) => ranOn.get(id) ?? 'not on a worker');
		note('500 distinct events, concurrency 20, 2 processors', { ...figures, workers: countValues(workers) });
		expect(figures).toEqual({ answers: { accepted: 500 }, missing: 0, duplicated: 0, executions: 500 });
		expect(countValues(executions.map(({ status, mode }) => `${mode}:${status}`))).toEqual({ 'webhook:success': 500 });
		expect(Object.keys(countValues(workers)).sort()).toEqual(['worker-1', 'worker-2']);
	});

	it('answers forged requests 401 on both processors and starts nothing', async () => {
		const results = await Promise.all(
			[plainTarget, ...TARGETS].map(async (target, index) => {
				const ids = eventIds(`forged${index}`, 10);
				const answers = await Promise.all(
					ids.map((id, n) => sendEvent(queue.webhookUrl(queue.webhooks[n % 2], target.path), id, { forged: true })),
				);
				return seen(queue, target, ids, answers, 0);
			}),
		);
		note('forged signatures, 10 per workflow', results);
		for (const figures of results) expect(figures).toEqual({ answers: { unauthorized: 10 }, missing: 0, duplicated: 0, executions: 0 });
	});

	it('runs 50 ids sent as 4 simultaneous copies, 2 to each processor, exactly once each, for both triggers and both stores', async () => {
		const results = await Promise.all(
			TARGETS.map((target) => simultaneousCopies(queue, target, eventIds(`sim${target.trigger}${target.store}`, 50), 4, queue.webhooks)),
		);
		TARGETS.forEach((target, index) => note(`50 ids × 4 simultaneous copies, ${label(target)}`, results[index]));
		for (const { refused, answers, ...figures } of results) {
			expect(figures).toEqual({ missing: 0, duplicated: 0, executions: 50 });
			expect(unsettled(answers)).toEqual([]);
		}
	});

	it('runs copies sent one after another under background traffic once each', async () => {
		const results = await Promise.all(
			TARGETS.map((target) =>
				sequentialCopiesUnderLoad(queue, target, eventIds(`seq${target.trigger}${target.store}`, 30), 4, 100, queue.webhooks),
			),
		);
		TARGETS.forEach((target, index) =>
			note(`30 ids × 4 copies, each 100 ms after the last answer, under load, ${label(target)}`, results[index]),
		);
		for (const { copies, background } of results) {
			const { answers, ...figures } = copies;
			expect(figures).toEqual({ missing: 0, duplicated: 0, executions: 30 });
			expect(unsettled(answers)).toEqual([]);
			// Background events are sent once, without retries: one refused with 503 started nothing, none may run twice.
			expect(background.duplicated).toBe(0);
		}
	});

	it('refuses events with 503 and Retry-After while the dedupe store is down, and accepts them when it is back, without restarting n8n', async () => {
		const pids = queue.webhooks.map((processor) => processor.process.pid);
		const order = (['redis', 'postgres'] as const).map((store) => TARGETS.filter((target) => target.store === store));
		const results = await Promise.all(
			order.map((targets) => {
				const store = stores![targets[0].store as 'redis' | 'postgres'];
				return storeOutage(
					queue,
					targets,
					'outage',
					() => store.stopServer(),
					() => store.startServer(),
				);
			}),
		);
		const flat = results.flat();
		order.flat().forEach((target, index) => note(`dedupe store stopped, then started again, ${label(target)}`, flat[index]));
		for (const figures of flat) {
			expect(figures).toMatchObject({
				during: { unavailable: 6 },
				retryAfter: [true],
				after: { accepted: 6 },
				missing: 0,
				duplicated: 0,
				executions: 6,
			});
			expect(figures.reconnectedAfterMs).toBeGreaterThanOrEqual(0);
		}
		expect(queue.webhooks.map((processor) => processor.process.pid)).toEqual(pids);
		expect(queue.webhooks.every((processor) => !processor.exited())).toBe(true);
		const logs = [...queue.webhooks, ...queue.workers, queue.main].map((processor) => processor.output()).join('\n');
		expect(logs).not.toContain(stores!.postgres.password);
	});

	it('knows the ids a webhook processor accepted after it is stopped (SIGTERM) or killed (SIGKILL)', async () => {
		const [first, second] = queue.webhooks;
		let replacement: ProcessHandle | undefined;
		const stoppedIn: number[] = [];
		const sigterm = async () => {
			const started = Date.now();
			const [added] = await Promise.all([queue.addWebhookProcessor(), first.stop().then(() => stoppedIn.push(Date.now() - started))]);
			replacement = added;
		};
		const terminated = await resendAfterStop(queue, TARGETS, 'term', first, sigterm, () => second);
		const killed = await resendAfterStop(
			queue,
			TARGETS,
			'kill',
			second,
			() => second.kill(),
			() => replacement!,
		);
		TARGETS.forEach((target, index) => {
			note(`processor stopped (SIGTERM, exited in ${stoppedIn[0]} ms), ids resent to the other, ${label(target)}`, terminated[index]);
			note(`processor killed (SIGKILL), ids resent to another, ${label(target)}`, killed[index]);
		});
		for (const figures of [...terminated, ...killed]) {
			expect(figures).toMatchObject({ before: { accepted: 10 }, after: { duplicate: 10 }, missing: 0, duplicated: 0, executions: 10 });
		}
		expect(alive()).toHaveLength(1);
	});

	it('resumes the persisted wait on a worker and delivers every item exactly once, with one idempotency key', async () => {
		const workflowId = outboundWorkflow('', 0).id;
		const deadline = Date.now() + (RETRY_WAIT_S + 120) * 1000;
		let executions = await queue.executions(workflowId);
		while (executions[0]?.status !== 'success' && Date.now() < deadline) {
			await sleep(1000);
			executions = await queue.executions(workflowId);
		}
		expect(executions.map(({ id, status }) => ({ id, status }))).toEqual([{ id: outboundExecution, status: 'success' }]);
		const { nodes } = await queue.main.executionData(outboundExecution);
		const delivered = nodes.Deliver.slice(1).flatMap((run) => run.outputs[0]);
		expect(delivered.map((item) => item.id).sort()).toEqual(Array.from({ length: OUTBOUND_ITEMS }, (_, id) => id));
		expect(attempts.size).toBe(OUTBOUND_ITEMS);
		for (const item of delivered) {
			const delivery = item.delivery as Json;
			const seenAt = attempts.get(delivery.idempotencyKey as string) ?? [];
			expect(seenAt).toHaveLength(2);
			expect(seenAt[1] - seenAt[0]).toBeGreaterThanOrEqual((RETRY_WAIT_S - 1) * 1000);
			expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 2 });
		}
		// Once for the first run, once more for the run the main resumed from the database after the Wait.
		expect(queue.workerStarts(outboundExecution)).toBeGreaterThanOrEqual(2);
		note('Outbound Retry Later through a persisted Wait', {
			items: OUTBOUND_ITEMS,
			attemptsPerKey: [...attempts.values()].map((list) => list.length),
			delivered: delivered.length,
		});
	});
});
