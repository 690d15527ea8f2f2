/**
 * Comparison 6: peak RSS of the n8n process (VmHWM from /proc) while our Outbound node sends one
 * JSON Array of 25,000 and then 50,000 items, and while our trigger takes a signed body of 5 and
 * then 10 MB. "In proportion to the data" is checked as: twice the data, at most about twice the
 * growth. Each group runs in a freshly started n8n, because V8 keeps freed heap and a later run would
 * reuse it; within a group runs go from small to large, and growth is counted from that n8n's idle
 * RSS. The baselines, each in its own fresh n8n: the same 50,000 items ending in a No-Op, and the
 * same 10 MB body arriving at n8n's Webhook node.
 */
import { createHmac } from 'node:crypto';

import type { StartOptions, TestN8n, WorkflowJson } from '../../test/n8n/harness';
import { drain, runWorkflow, waitForWebhooks, webhookPaths } from '../lib/n8nBench';
import { findN8nPid, memoryOf, resetPeak } from '../lib/n8nProcess';
import type { Receiver } from '../lib/receiver';
import type { Row, Section } from '../lib/report';
import { formatNumber, round, sleep } from '../lib/stats';
import { CREDENTIALS, floorWorkflow, HMAC_SECRET, inboundWorkflow, itemJson, outboundWorkflow, webhookWorkflow } from '../workflows';

const ARRAY_ITEMS = 50_000;
const BODY_BYTES = 10 * 1024 * 1024;
const MB = 1024 * 1024;

/** A JSON array of CRM records, exactly `bytes` long. */
function bigBody(bytes: number): Buffer {
	const records: string[] = [];
	let size = 2;
	for (let index = 0; size < bytes - 2048; index++) {
		const record = itemJson(index);
		records.push(record);
		size += record.length + 1;
	}
	return Buffer.from(`[${records.join(',')}]`.padEnd(bytes, ' '));
}

const arrayMb = (count: number) => (count * (itemJson(count - 1).length + 1)) / MB;

interface MemoryRun {
	idleMb: number;
	peakMb: number;
	/** Peak over the group's idle RSS. */
	growthMb: number;
	ms: number;
}

/** Waits (up to 10 s) until RSS stops falling, so a run starts from a settled process. */
async function settle(pid: number): Promise<number> {
	let last = memoryOf(pid).rss;
	for (let waited = 0; waited < 10_000; waited += 1_000) {
		await sleep(1_000);
		const now = memoryOf(pid).rss;
		if (now > last * 0.98) return now;
		last = now;
	}
	return last;
}

type Start = (options: StartOptions) => Promise<TestN8n>;

/** A fresh n8n with `workflows`; each step's peak RSS, counted from the idle RSS after start. */
async function group(start: Start, workflows: WorkflowJson[], steps: Array<(n8n: TestN8n) => Promise<void>>): Promise<MemoryRun[]> {
	const n8n = await start({ workflows, credentials: CREDENTIALS, env: { N8N_PAYLOAD_SIZE_MAX: '32' } });
	try {
		await waitForWebhooks(n8n, webhookPaths(workflows));
		const pid = findN8nPid(n8n.userFolder);
		const idle = await settle(pid);
		const runs: MemoryRun[] = [];
		for (const step of steps) {
			await settle(pid);
			resetPeak(pid);
			const started = performance.now();
			await step(n8n);
			const ms = performance.now() - started;
			const peak = memoryOf(pid).peak;
			runs.push({ idleMb: idle / MB, peakMb: peak / MB, growthMb: (peak - idle) / MB, ms });
		}
		return runs;
	} finally {
		await n8n.stop();
	}
}

export async function memorySection(start: Start, receiver: Receiver): Promise<Section> {
	const array = outboundWorkflow('memOutboundArray', receiver.url('/memory-array'), { encoding: 'jsonArray' });
	const floor = floorWorkflow('memArrayFloor');
	const inbound = inboundWorkflow('memInboundBody', 'bench-mem-inbound');
	const webhook = webhookWorkflow('memWebhookBody', 'bench-mem-webhook');

	const sendArray = (workflow: WorkflowJson, count: number) => async (n8n: TestN8n) => {
		await receiver.reset();
		const result = await runWorkflow(n8n, workflow.name, { count });
		if (result.status !== 200) throw new Error(`${workflow.name} answered ${result.status}: ${result.text.slice(0, 300)}`);
		const received = await receiver.stats();
		if (workflow === array && (received.requests !== 1 || received.bytesReceived < arrayMb(count) * MB * 0.99)) {
			throw new Error(`The JSON array did not arrive whole: ${received.requests} requests, ${received.bytesReceived} bytes`);
		}
	};
	const post = (path: string, bytes: number, signed: boolean) => async (n8n: TestN8n) => {
		const body = bigBody(bytes);
		const signature: Record<string, string> = signed
			? { 'x-webhook-signature': createHmac('sha256', HMAC_SECRET).update(body).digest('hex') }
			: {};
		const response = await fetch(n8n.webhookUrl(path), {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...signature },
			body,
			signal: AbortSignal.timeout(300_000),
		});
		if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
		await response.arrayBuffer();
		await drain(n8n);
	};

	console.error('  [memory] outbound JSON Array, 25,000 then 50,000 items');
	const [arrayHalf, arrayFull] = await group(start, [array], [sendArray(array, ARRAY_ITEMS / 2), sendArray(array, ARRAY_ITEMS)]);
	console.error('  [memory] n8n alone: 50,000 items into a No-Op');
	const [arrayFloor] = await group(start, [floor], [sendArray(floor, ARRAY_ITEMS)]);
	console.error('  [memory] our trigger, 5 then 10 MB');
	const [inboundHalf, inboundFull] = await group(
		start,
		[inbound],
		[post('bench-mem-inbound', BODY_BYTES / 2, true), post('bench-mem-inbound', BODY_BYTES, true)],
	);
	console.error("  [memory] n8n's Webhook node, 10 MB");
	const [webhookFull] = await group(start, [webhook], [post('bench-mem-webhook', BODY_BYTES, false)]);

	const bodyMb = BODY_BYTES / MB;
	/** Twice the data should cost at most about twice the growth; 2.5× leaves room for GC timing. */
	const doubling = (id: string, comparison: string, half: MemoryRun, full: MemoryRun, baseline: MemoryRun, baselineText: string): Row => {
		const factor = full.growthMb / half.growthMb;
		return {
			id,
			comparison,
			ours: `+${formatNumber(half.growthMb)} → +${formatNumber(full.growthMb)} MB (${formatNumber(factor)}× for 2× data), ${formatNumber(full.ms / 1000)} s`,
			baseline: `${baselineText}: +${formatNumber(baseline.growthMb)} MB`,
			ratio: full.growthMb / baseline.growthMb,
			target: 'finishes; ≤ 2.5× growth for 2× data',
			met: factor <= 2.5,
		};
	};
	const rows: Row[] = [
		doubling(
			'6a',
			`Memory over idle n8n (${formatNumber(arrayHalf.idleMb)} MB): one JSON Array of 25,000 then 50,000 items (${formatNumber(arrayMb(ARRAY_ITEMS / 2))} / ${formatNumber(arrayMb(ARRAY_ITEMS))} MB)`,
			arrayHalf,
			arrayFull,
			arrayFloor,
			'n8n alone, 50,000 items into a No-Op',
		),
		doubling(
			'6b',
			`Memory over idle n8n: a signed body of ${formatNumber(bodyMb / 2)} then ${formatNumber(bodyMb)} MB through our trigger`,
			inboundHalf,
			inboundFull,
			webhookFull,
			`Webhook node, ${formatNumber(bodyMb)} MB`,
		),
	];
	return {
		rows,
		details: {
			arrayItems: ARRAY_ITEMS,
			arrayMb: round(arrayMb(ARRAY_ITEMS)),
			bodyMb: round(bodyMb),
			runs: { arrayHalf, arrayFull, arrayFloor, inboundHalf, inboundFull, webhookFull },
		},
	};
}
