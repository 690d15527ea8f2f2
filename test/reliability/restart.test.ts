import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Json, TestN8n } from '../n8n/harness';
import { pkgNode, startN8n, workflow } from '../n8n/harness';
import { retryLaterWorkflow } from '../n8n/retryLaterWorkflow';
import type { Receiver } from '../integration/outbound/receiver';
import { startReceiver } from '../integration/outbound/receiver';
import { countByStatus, crmTriggerWorkflow, printTable, sleep, waitForSettled } from './support';

/**
 * Restart: n8n is stopped while Retry Later items wait in a Wait node, and started again on the
 * same user folder; the waits resume and the deliveries complete. n8n's Wait node keeps waits under
 * 65 s in memory (Wait.node.js: `waitValue < 65000`), so the retry waits just over that, long
 * enough to be persisted. Deduplication must remember event ids across a graceful stop and across
 * a hard kill (SIGKILL) right after the sender got its 200.
 */
const ITEMS = 20;
/** Just over n8n's 65 s in-memory limit, so the Wait node persists the wait. */
const RETRY_WAIT_S = 67;
/**
 * One more item in the same batch is answered this late: the batch, and with it the Retry Later
 * output, leaves the node only then. A wait counted from the first attempt would reach the Wait
 * node as 61 s, stay in memory and be lost in the restart.
 */
const SLOW_ANSWER_MS = 6_000;
const SECRET = 'reliability-restart-secret';
const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

const credentials = [
	{ id: 'restartHmac00001', name: 'Restart HMAC', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: SECRET } },
];
const signing = { webhookSigningSecretApi: { id: 'restartHmac00001', name: 'Restart HMAC' } };

let receiver: Receiver;
const attempts = new Map<string, number[]>();
let slowAttempts = 0;

const outboundWorkflow = () =>
	retryLaterWorkflow({ id: 'restartOutbound', path: 'restart-outbound', url: receiver.url('/restart'), retryWaitSeconds: RETRY_WAIT_S });

const inboundWorkflow = workflow(
	'restartInbound',
	[
		pkgNode('inboundWebhookTrigger', {
			name: 'Inbound',
			webhookId: 'restart-inbound-id',
			parameters: {
				httpMethod: ['POST'],
				path: 'restart-inbound',
				authentication: 'signingSecret',
				deduplicate: true,
				eventIdPath: '$.id',
				duplicateResponse: 'reject',
			},
			credentials: signing,
		}),
	],
	[],
);

const crmWorkflow = crmTriggerWorkflow('restartCrm', 'restart-crm', 'salesOs', signing);

/** The same event to both triggers: the Inbound Webhook Trigger refuses a repeat with 409, the CRM trigger acknowledges it. */
const event = (id: string) =>
	JSON.stringify({ id, type: 'opportunity.won', timestamp: new Date().toISOString(), data: { id: `opp_${id}`, amount: 48000 } });

async function deliverEvent(n8n: TestN8n, id: string): Promise<{ inbound: string; crm: string }> {
	const body = event(id);
	const send = async (webhookPath: string) => {
		const response = await fetch(n8n.webhookUrl(webhookPath), {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', 'x-webhook-signature': sign(body) },
		});
		const text = await response.text();
		return `${response.status}${text.includes('"duplicate":true') ? ' duplicate' : ''}${text.includes('"error":"duplicate"') ? ' duplicate' : ''}`;
	};
	return { inbound: await send('restart-inbound'), crm: await send('restart-crm') };
}

const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-restart-'));
let n8n: TestN8n | undefined;
const timeline: string[][] = [];
let t0 = 0;
const note = (step: string, seen: string) => timeline.push([`${((Date.now() - t0) / 1000).toFixed(1)} s`, step, seen]);

jest.setTimeout(600_000);

beforeAll(async () => {
	receiver = await startReceiver();
	// Every first attempt fails with 503, every retry succeeds.
	receiver.script((request, res) => {
		if (request.body.includes('"slow":true')) {
			slowAttempts++;
			setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), SLOW_ANSWER_MS);
			return;
		}
		const key = String(request.headers['idempotency-key']);
		const list = attempts.get(key) ?? [];
		list.push(Date.now());
		attempts.set(key, list);
		res.writeHead(list.length === 1 ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
	});
});

afterAll(async () => {
	await n8n?.stop();
	await receiver?.close();
	fs.rmSync(userFolder, { recursive: true, force: true });
	if (timeline.length > 0)
		printTable(
			`Restart: ${ITEMS} items in a ${RETRY_WAIT_S} s Retry Later wait; dedupe across a stop and a SIGKILL`,
			['at', 'step', 'seen'],
			timeline,
			'restart.md',
		);
});

describe('n8n restarts with Retry Later items waiting and dedupe ids remembered', () => {
	let outboundExecution = '';
	let nextAttemptAt = 0;

	it('parks the Retry Later items in a persisted Wait, and records the first events', async () => {
		n8n = await startN8n({ workflows: [outboundWorkflow(), inboundWorkflow, crmWorkflow], credentials, userFolder });
		t0 = Date.now();
		note('n8n A started', 'fresh user folder');
		expect(await deliverEvent(n8n, 'evt_before_stop')).toEqual({ inbound: '200', crm: '200' });
		const items = [{ id: 'slow', slow: true }, ...Array.from({ length: ITEMS }, (_, id) => ({ id }))];
		const response = await fetch(n8n.webhookUrl('restart-outbound'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ items }),
		});
		expect(response.status).toBe(200);
		const deadline = Date.now() + 60_000;
		let executions = await n8n.executions(outboundWorkflow().id);
		while (executions[0]?.status !== 'waiting' && Date.now() < deadline) {
			await sleep(250);
			executions = await n8n.executions(outboundWorkflow().id);
		}
		expect(executions.map((execution) => execution.status)).toEqual(['waiting']);
		outboundExecution = executions[0].id;
		const { nodes } = await n8n.executionData(outboundExecution);
		const parked = nodes.Deliver[0].outputs[1];
		expect(parked).toHaveLength(ITEMS);
		expect(nodes.Deliver[0].outputs[0].map((item) => item.id)).toEqual(['slow']);
		nextAttemptAt = Math.min(...parked.map((item) => Date.parse((item.delivery as Json).nextAttemptAt as string)));
		const firstAttempt = Math.min(...parked.map((item) => Date.parse((item.delivery as Json).firstAttemptAt as string)));
		// Counted from when the batch left the node, not from the first attempt.
		expect(nextAttemptAt - firstAttempt).toBeGreaterThanOrEqual(RETRY_WAIT_S * 1000 + SLOW_ANSWER_MS);
		note(
			`${ITEMS} items sent once (503 each), 1 answered after ${SLOW_ANSWER_MS / 1000} s`,
			`execution ${outboundExecution} waiting (persisted) until +${((nextAttemptAt - t0) / 1000).toFixed(0)} s`,
		);
		await waitForSettled(n8n, inboundWorkflow.id, 1, 30_000, 250);
		await waitForSettled(n8n, crmWorkflow.id, 1, 30_000, 250);
	});

	it('remembers event ids across a graceful stop', async () => {
		await n8n?.stop();
		note('n8n A stopped (SIGTERM)', 'Wait still pending');
		n8n = await startN8n({ userFolder });
		note('n8n B started on the same user folder', '');
		const again = await deliverEvent(n8n, 'evt_before_stop');
		note('evt_before_stop sent again', `inbound ${again.inbound}, CRM ${again.crm}`);
		expect(again).toEqual({ inbound: '409 duplicate', crm: '200 duplicate' });
	});

	it('remembers event ids across a hard kill right after the 200', async () => {
		const first = await deliverEvent(n8n as TestN8n, 'evt_before_kill');
		expect(first).toEqual({ inbound: '200', crm: '200' });
		// The Wait must still be pending, so that the last test shows it resumed by the n8n started after the kill.
		expect(Date.now()).toBeLessThan(nextAttemptAt);
		await n8n?.kill();
		note('evt_before_kill answered 200, then n8n B killed (SIGKILL)', first.inbound);
		n8n = await startN8n({ userFolder });
		note('n8n C started on the same user folder', '');
		const afterKill = await deliverEvent(n8n, 'evt_before_kill');
		const afterStop = await deliverEvent(n8n, 'evt_before_stop');
		note(
			'both events sent again',
			`kill: inbound ${afterKill.inbound}, CRM ${afterKill.crm}; stop: inbound ${afterStop.inbound}, CRM ${afterStop.crm}`,
		);
		expect(afterKill).toEqual({ inbound: '409 duplicate', crm: '200 duplicate' });
		expect(afterStop).toEqual({ inbound: '409 duplicate', crm: '200 duplicate' });
	});

	it('started one execution per event, and none for a repeat', async () => {
		await sleep(1500);
		for (const id of [inboundWorkflow.id, crmWorkflow.id]) {
			const executions = await n8n!.executions(id);
			// The execution cut off by the kill may not have finished; it was recorded before the 200.
			expect(executions).toHaveLength(2);
			note(`executions of ${id}`, JSON.stringify(countByStatus(executions)));
		}
	});

	it('resumes the persisted wait after the restarts and completes every delivery once', async () => {
		const [execution] = await waitForSettled(n8n!, outboundWorkflow().id, 1, Math.max(0, nextAttemptAt - Date.now()) + 120_000, 1000);
		expect(execution.id).toBe(outboundExecution);
		expect(execution.status).toBe('success');
		const { nodes } = await n8n!.executionData(execution.id);
		const delivered = nodes.Deliver.slice(1).flatMap((run) => run.outputs[0]);
		expect(delivered.map((item) => item.id).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: ITEMS }, (_, id) => id));
		expect(slowAttempts).toBe(1);
		// Two attempts per item, with one key, the second no earlier than the schedule allows.
		expect(attempts.size).toBe(ITEMS);
		for (const item of delivered) {
			const delivery = item.delivery as Json;
			const seen = attempts.get(delivery.idempotencyKey as string) ?? [];
			expect(seen).toHaveLength(2);
			expect(seen[1]).toBeGreaterThanOrEqual(Date.parse(delivery.firstAttemptAt as string) + RETRY_WAIT_S * 1000);
			expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 2 });
		}
		const secondAttempts = [...attempts.values()].map((list) => list[1]);
		note(
			'Wait resumed in n8n C, items delivered',
			`${delivered.length}/${ITEMS} delivered on attempt 2, ${((Math.min(...secondAttempts) - nextAttemptAt) / 1000).toFixed(1)}–${((Math.max(...secondAttempts) - nextAttemptAt) / 1000).toFixed(1)} s after nextAttemptAt`,
		);
	});
});
