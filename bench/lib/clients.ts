import { execFile } from 'node:child_process';
import path from 'node:path';

import type { ClientJob } from './clientProcess';

export type { ClientJob, ClientKind } from './clientProcess';

/** Runs a client load (bench/lib/clientProcess.ts) under `nodeBin` and returns its own timing, in ms. */
export function runClient(nodeBin: string, job: ClientJob): Promise<number> {
	return new Promise((resolve, reject) => {
		execFile(
			nodeBin,
			['--import', 'tsx', path.join(__dirname, 'clientProcess.ts'), JSON.stringify(job)],
			{ cwd: path.join(__dirname, '..', '..'), timeout: 120_000 },
			(error, stdout, stderr) => {
				if (error) return reject(new Error(`The ${job.client} client failed: ${stderr || error.message}`));
				resolve((JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ms: number }).ms);
			},
		);
	});
}
