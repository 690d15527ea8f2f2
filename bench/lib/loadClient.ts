import http from 'node:http';

import { percentile } from './stats';

export interface LoadRequest {
	headers?: Record<string, string>;
	body?: Buffer | string;
	/** Appended to the URL, e.g. "?eventType=x". */
	query?: string;
}

export interface LoadOptions {
	url: string;
	method?: string;
	concurrency: number;
	/** Upper bound on requests sent. */
	requests: number;
	/** No new request starts after this long. */
	maxDurationMs?: number;
	/** Builds request number i (0-based). */
	build: (index: number) => LoadRequest;
}

export interface LoadResult {
	completed: number;
	elapsedMs: number;
	/** Completed requests per second, as the sender saw them. */
	rps: number;
	p50Ms: number;
	p99Ms: number;
	statuses: Record<string, number>;
	errors: number;
	/** Epoch ms when the first request started and the last answer ended. */
	startedMs: number;
	endedMs: number;
}

const now = () => performance.timeOrigin + performance.now();
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * A small closed-loop load client: `concurrency` workers over keep-alive connections, each sending
 * its next request when the previous answer is complete. Bounded by a request count and a duration.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
	const url = new URL(options.url);
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	let errors = 0;
	let next = 0;
	const startedMs = now();
	const deadline = startedMs + (options.maxDurationMs ?? Infinity);

	const send = (index: number) =>
		new Promise<void>((resolve) => {
			const { headers = {}, body, query = '' } = options.build(index);
			const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
			const began = now();
			const req = http.request(
				{
					agent,
					hostname: url.hostname,
					port: url.port,
					path: `${url.pathname}${url.search}${query}`,
					method: options.method ?? 'POST',
					headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
				},
				(res) => {
					res.resume();
					res.on('end', () => {
						latencies.push(now() - began);
						statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
						resolve();
					});
					res.on('error', () => {
						errors++;
						resolve();
					});
				},
			);
			req.on('error', () => {
				errors++;
				resolve();
			});
			// A request n8n never answers ends as an error rather than holding its worker forever.
			req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no answer')));
			req.end(payload);
		});

	const worker = async () => {
		while (next < options.requests && now() < deadline) await send(next++);
	};
	await Promise.all(Array.from({ length: options.concurrency }, worker));
	const endedMs = now();
	agent.destroy();
	const elapsedMs = endedMs - startedMs;
	return {
		completed: latencies.length,
		elapsedMs,
		rps: (latencies.length / elapsedMs) * 1000,
		p50Ms: percentile(latencies, 50),
		p99Ms: percentile(latencies, 99),
		statuses,
		errors,
		startedMs,
		endedMs,
	};
}
