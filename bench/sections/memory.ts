/**
 * Comparison 6: peak RSS of the n8n process (VmHWM from /proc, reset between runs) while our
 * Outbound node sends one 50,000-item JSON array, and while our trigger takes a 10 MB body. Each
 * is set against n8n doing the same without our node: the same 50,000 items ending in a No-Op, and
 * the same 10 MB body arriving at n8n's Webhook node.
 */
import { createHmac } from 'node:crypto';

import type { TestN8n, WorkflowJson } from '../../test/n8n/harness';
import { drain, runWorkflow } from '../lib/n8nBench';
import { findN8nPid, memoryOf, resetPeak } from '../lib/n8nProcess';
import type { Receiver } from '../lib/receiver';
import type { Row, Section } from '../lib/report';
import { formatNumber, round, sleep } from '../lib/stats';
import { floorWorkflow, HMAC_SECRET, inboundWorkflow, itemJson, outboundWorkflow, webhookWorkflow } from '../workflows';

const ARRAY_ITEMS = 50_000;
const BODY_BYTES = 10 * 1024 * 1024;
const MB = 1024 * 1024;

export function memoryWorkflows(receiver: Receiver): Record<string, WorkflowJson> {
	return {
		array: outboundWorkflow('memOutboundArray', receiver.url('/memory-array'), { encoding: 'jsonArray' }),
		arrayFloor: floorWorkflow('memArrayFloor'),
		inbound: inboundWorkflow('memInboundBody', 'bench-mem-inbound'),
		webhook: webhookWorkflow('memWebhookBody', 'bench-mem-webhook'),
	};
}

/** A JSON array of CRM records, exactly `bytes` long. */
function bigBody(bytes: number): Buffer {
	const records: string[] = [];
	let size = 2;
	for (let index = 0; size < bytes - 2048; index++) {
		const record = itemJson(index);
		records.push(record);
		size += record.length + 1;
	}
	const json = `[${records.join(',')}]`;
	return Buffer.from(json.padEnd(bytes, ' '));
}

interface MemoryRun {
	/** RSS just before the run. */
	beforeMb: number;
	peakMb: number;
	ms: number;
}

async function measured(pid: number, run: () => Promise<void>): Promise<MemoryRun> {
	await sleep(1_000);
	const before = memoryOf(pid).rss;
	resetPeak(pid);
	const started = performance.now();
	await run();
	const ms = performance.now() - started;
	return { beforeMb: before / MB, peakMb: memoryOf(pid).peak / MB, ms };
}

export async function memorySection(n8n: TestN8n, receiver: Receiver, workflows: Record<string, WorkflowJson>): Promise<Section> {
	const pid = findN8nPid(n8n.userFolder);
	await sleep(2_000);
	const idleMb = memoryOf(pid).rss / MB;
	const arrayBytes = ARRAY_ITEMS * (itemJson(ARRAY_ITEMS - 1).length + 1);

	const sendArray = (workflow: WorkflowJson) => async () => {
		const result = await runWorkflow(n8n, workflow.name, { count: ARRAY_ITEMS });
		if (result.status !== 200) throw new Error(`${workflow.name} answered ${result.status}: ${result.text.slice(0, 300)}`);
	};
	await receiver.reset();
	const arrayFloor = await measured(pid, sendArray(workflows.arrayFloor));
	await receiver.reset();
	const array = await measured(pid, sendArray(workflows.array));
	const received = await receiver.stats();
	if (received.requests !== 1 || received.bytesReceived < arrayBytes * 0.99) {
		throw new Error(`The JSON array did not arrive whole: ${received.requests} requests, ${received.bytesReceived} bytes`);
	}

	const body = bigBody(BODY_BYTES);
	const post = (path: string, headers: Record<string, string>) => async () => {
		const response = await fetch(n8n.webhookUrl(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
		if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		await response.arrayBuffer();
		await drain(n8n);
	};
	const webhook = await measured(pid, post('bench-mem-webhook', {}));
	const inbound = await measured(pid, post('bench-mem-inbound', { 'x-webhook-signature': createHmac('sha256', HMAC_SECRET).update(body).digest('hex') }));

	const growth = (run: MemoryRun) => run.peakMb - idleMb;
	const describe = (run: MemoryRun, dataMb: number) =>
		`peak ${formatNumber(run.peakMb)} MB, +${formatNumber(growth(run))} MB = ${formatNumber(growth(run) / dataMb)}× data, ${formatNumber(run.ms / 1000)} s`;
	const arrayMb = arrayBytes / MB;
	const bodyMb = BODY_BYTES / MB;
	const rows: Row[] = [
		{
			id: '6a',
			comparison: `Memory, one ${formatNumber(ARRAY_ITEMS)}-item JSON Array (${formatNumber(arrayMb)} MB): ours vs the same items into a No-Op`,
			ours: describe(array, arrayMb),
			baseline: describe(arrayFloor, arrayMb),
			ratio: growth(array) / growth(arrayFloor),
			target: 'finishes; ≤ 2× n8n’s own',
			met: growth(array) <= 2 * growth(arrayFloor),
		},
		{
			id: '6b',
			comparison: `Memory, a ${formatNumber(bodyMb)} MB signed body: our trigger vs n8n's Webhook node`,
			ours: describe(inbound, bodyMb),
			baseline: describe(webhook, bodyMb),
			ratio: growth(inbound) / growth(webhook),
			target: 'finishes; ≤ 2× n8n’s own',
			met: growth(inbound) <= 2 * growth(webhook),
		},
	];
	return {
		rows,
		details: {
			idleMb: round(idleMb),
			arrayItems: ARRAY_ITEMS,
			arrayMb: round(arrayMb),
			bodyMb: round(bodyMb),
			runs: { arrayFloor, array, webhook, inbound },
		},
	};
}
