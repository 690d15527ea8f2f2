/**
 * Shared tools of the reliability suites: a seeded random source, a bounded worker pool, a health
 * and memory monitor for a running n8n, raw HTTP for requests fetch() would normalise, and a
 * table printer. Nothing here talks to anything but 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

import type { ExecutionSummary, TestN8n, WorkflowJson, WorkflowNode } from '../n8n/harness';
import { pkgNode, workflow } from '../n8n/harness';

/** mulberry32: a small, fast PRNG; the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A number in [0, 1) fixed by the seed and the parts, independent of the order requests arrive in. */
export function hashedRandom(seed: number, ...parts: Array<string | number>): number {
	const digest = createHash('sha256')
		.update(`${seed}:${parts.join(':')}`)
		.digest();
	return digest.readUInt32BE(0) / 4294967296;
}

/** Picks one entry by weight with a random number in [0, 1). */
export function weighted<T>(entries: ReadonlyArray<[T, number]>, random: number): T {
	const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
	let point = random * total;
	for (const [value, weight] of entries) {
		if (point < weight) return value;
		point -= weight;
	}
	return entries[entries.length - 1][0];
}

/** Runs `work` over every job with at most `concurrency` at once; results keep the jobs' order. */
export async function runPool<T, R>(jobs: readonly T[], concurrency: number, work: (job: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(jobs.length);
	let next = 0;
	const worker = async () => {
		while (next < jobs.length) {
			const index = next++;
			results[index] = await work(jobs[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
	return results;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface HealthReport {
	samples: number;
	/** /healthz answers that were not 200, or did not come within 5 s. */
	failures: number;
	peakRssBytes: number;
	startRssBytes: number;
	crashed: boolean;
}

/** Samples n8n's /healthz and resident memory every `intervalMs` until stopped. */
export function monitorHealth(n8n: TestN8n, intervalMs = 500): { stop: () => Promise<HealthReport>; peakRss: () => number } {
	const report: HealthReport = { samples: 0, failures: 0, peakRssBytes: 0, startRssBytes: n8n.rssBytes() ?? 0, crashed: false };
	let running = true;
	const loop = (async () => {
		while (running) {
			report.samples++;
			const rss = n8n.rssBytes();
			if (rss) report.peakRssBytes = Math.max(report.peakRssBytes, rss);
			if (!n8n.isRunning()) {
				report.crashed = true;
				return;
			}
			const ok = await fetch(`${n8n.baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) })
				.then((response) => response.status === 200)
				.catch(() => false);
			if (!ok) report.failures++;
			await sleep(intervalMs);
		}
	})();
	return {
		peakRss: () => Math.max(report.peakRssBytes, n8n.rssBytes() ?? 0),
		stop: async () => {
			running = false;
			await loop;
			report.peakRssBytes = Math.max(report.peakRssBytes, n8n.rssBytes() ?? 0);
			return report;
		},
	};
}

export interface RawAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

/**
 * One request through node:http, which sends the path exactly as given (fetch() would resolve
 * `..`) and sends a header given as an array once per value (fetch() would join them).
 */
export function rawRequest(
	baseUrl: string,
	options: { method?: string; path: string; headers?: http.OutgoingHttpHeaders; body?: Buffer | string; timeoutMs?: number },
): Promise<RawAnswer> {
	const base = new URL(baseUrl);
	return new Promise((resolve, reject) => {
		const req = http.request({
			host: base.hostname,
			port: base.port,
			method: options.method ?? 'POST',
			path: options.path,
			headers: options.headers,
			agent: false,
			timeout: options.timeoutMs ?? 60_000,
		});
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.on('error', reject);
		req.on('response', (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.end(options.body);
	});
}

/** Prints a table to stdout (jest's console would add a stack trace to every line) and to a file for the README. */
export function printTable(title: string, header: string[], rows: string[][], file?: string): string {
	const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
	const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	const text = [`\n${title}`, line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line), ''].join(
		'\n',
	);
	process.stdout.write(`${text}\n`);
	if (file) writeResult(file, text);
	return text;
}

/** Figures of a run, kept in test/reliability/results/ (git-ignored) for the README's Reliability section. */
export function writeResult(file: string, text: string) {
	const dir = path.join(__dirname, 'results');
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, file), text);
}

export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Finished executions of a workflow, and whether any is still running, in one small request: the
 * first page of n8n's list carries the count of finished ones and lists running ones first.
 */
export async function executionProgress(n8n: TestN8n, workflowId: string): Promise<{ finished: number; unsettled: boolean }> {
	const query = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '1' });
	const { results, count } = await n8n.rest<{ results: ExecutionSummary[]; count: number }>(`executions?${query}`);
	return { finished: count, unsettled: results.some((execution) => UNSETTLED.includes(execution.status)) };
}

const UNSETTLED = ['running', 'new', 'waiting'];

/**
 * Waits until a workflow has `count` settled executions, then lists them all. Polls a count every
 * `pollMs`: listing thousands of executions several times a second would itself load the n8n under test.
 */
export async function waitForSettled(n8n: TestN8n, workflowId: string, count: number, timeoutMs: number, pollMs = 1000) {
	const deadline = Date.now() + timeoutMs;
	let progress = { finished: 0, unsettled: true };
	while (Date.now() < deadline) {
		progress = await executionProgress(n8n, workflowId);
		if (progress.finished >= count && !progress.unsettled) return await n8n.executions(workflowId);
		await sleep(pollMs);
	}
	throw new Error(`Expected ${count} settled executions of ${workflowId} within ${timeoutMs} ms, saw ${JSON.stringify(progress)}`);
}

/** Executions per status, e.g. { success: 2000 }. */
export function countByStatus(executions: ReadonlyArray<{ status: string }>): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const { status } of executions) counts[status] = (counts[status] ?? 0) + 1;
	return counts;
}

/** A workflow of one CRM Event Trigger named CRM at /webhook/<path> (webhook id <path>-id), checked with a Signing Secret credential. */
export function crmTriggerWorkflow(id: string, path: string, crm: string, credentials: WorkflowNode['credentials']): WorkflowJson {
	return workflow(
		id,
		[
			pkgNode('crmEventTrigger', {
				name: 'CRM',
				webhookId: `${path}-id`,
				parameters: { path, crm, authentication: 'signingSecret' },
				credentials,
			}),
		],
		[],
	);
}
