/**
 * Runs one client load in a child process on the Node that runs n8n, so the raw-client and
 * transport baselines use the same runtime (and HTTP stack) as our node inside n8n. Started by
 * bench/lib/clients.ts; prints one JSON line: { ms }.
 *
 *   node --import tsx clientProcess.ts '{"client":"raw","url":"…","concurrency":10,"requests":5000,"n8nBin":"…"}'
 */
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';

import { request } from '../../nodes/shared/outbound/transport';
import { itemJson } from '../workflows';
import { runLoad } from './loadClient';

export type ClientKind = 'raw' | 'ours' | 'axios';

export interface ClientJob {
	client: ClientKind;
	url: string;
	concurrency: number;
	requests: number;
	/** Where axios is resolved from: n8n's own dependency tree. */
	n8nBin: string;
}

interface AxiosLike {
	create(config: object): { post(url: string, body: Buffer, config: object): Promise<{ status: number }> };
}

/** axios as n8n itself resolves it, so the version is the one n8n runs. */
export function n8nRequire(n8nBin: string) {
	return createRequire(path.join(path.dirname(n8nBin), '..', 'package.json'));
}

async function closedLoop(job: ClientJob, send: (index: number) => Promise<void>): Promise<number> {
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: job.concurrency }, async () => {
			while (next < job.requests) await send(next++);
		}),
	);
	return performance.now() - started;
}

async function run(job: ClientJob): Promise<number> {
	const bodies = Array.from({ length: job.requests }, (_, index) => Buffer.from(itemJson(index)));
	const headers = { 'content-type': 'application/json' };
	const expectOk = (status: number) => {
		if (status !== 200) throw new Error(`${job.client}: the receiver answered ${status}`);
	};
	switch (job.client) {
		case 'raw': {
			const load = await runLoad({
				url: job.url,
				concurrency: job.concurrency,
				requests: job.requests,
				build: (index) => ({ headers, body: bodies[index] }),
			});
			if (load.completed !== job.requests) throw new Error(`raw: ${load.completed} of ${job.requests} requests completed`);
			return load.elapsedMs;
		}
		case 'ours': {
			const url = new URL(job.url);
			return await closedLoop(job, async (index) =>
				expectOk((await request({ method: 'POST', url, headers, body: bodies[index] })).statusCode),
			);
		}
		case 'axios': {
			const required = n8nRequire(job.n8nBin)('axios') as AxiosLike & { default?: AxiosLike };
			const axios = required.default ?? required;
			const client = axios.create({
				httpAgent: new http.Agent({ keepAlive: true, maxSockets: job.concurrency }),
				proxy: false,
				timeout: 30_000,
			});
			return await closedLoop(job, async (index) => expectOk((await client.post(job.url, bodies[index], { headers })).status));
		}
	}
}

if (require.main === module) {
	run(JSON.parse(process.argv[2]) as ClientJob)
		.then((ms) => {
			process.stdout.write(`${JSON.stringify({ ms })}\n`);
			process.exit(0);
		})
		.catch((error: Error) => {
			process.stderr.write(`${error.stack ?? error.message}\n`);
			process.exit(1);
		});
}
