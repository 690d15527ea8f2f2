/**
 * Profiles the n8n process while it runs one benchmark scenario, for finding where a missed target's
 * time goes. Prints the functions with the most self and inclusive time (all of them, then this
 * package's alone) and keeps the .cpuprofile (open it in Chrome DevTools › Performance).
 *
 *   npx tsx bench/profile.ts outbound            our node sending 6 × 5,000 items at c10
 *   npx tsx bench/profile.ts signed              the same at c100, signed (Standard Webhooks) and capturing
 *   npx tsx bench/profile.ts accepted [legacy]   1,000 signed requests to the Inbound trigger at c10
 *   npx tsx bench/profile.ts forged [legacy]     1,000 forged requests
 *
 * The profiler talks to n8n's inspector over WebSocket, which needs Node ≥ 22: on older Node the
 * script runs itself again on the Node that runs n8n.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startN8n } from '../test/n8n/harness';
import * as runtime from '../test/n8n/runtime.js';
import { runLoad } from './lib/loadClient';
import { drain, runWorkflow, waitForWebhooks } from './lib/n8nBench';
import { findN8nPid } from './lib/n8nProcess';
import { profileProcess } from './lib/profiler';
import type { CpuProfile } from './lib/profileSummary';
import { summariseProfile } from './lib/profileSummary';
import { startReceiver } from './lib/receiver';
import { acceptedRequest, forgedRequest, inboundWorkflows } from './sections/inbound';
import { CREDENTIALS, outboundWorkflow } from './workflows';

const SCENARIOS = ['outbound', 'signed', 'accepted', 'forged'] as const;

async function main() {
	const [scenario, engine] = process.argv.slice(2);
	if (!SCENARIOS.includes(scenario as (typeof SCENARIOS)[number])) throw new Error(`Choose a scenario: ${SCENARIOS.join(', ')}`);
	const installed = await runtime.ensureN8n();
	if (!('WebSocket' in globalThis)) {
		const rerun = spawnSync(installed.node.nodeBin, ['--import', 'tsx', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
		process.exit(rerun.status ?? 1);
	}
	const receiver = await startReceiver();
	const outbound =
		scenario === 'signed'
			? outboundWorkflow('profileSigned', receiver.url('/profile'), { concurrency: 100, signed: true, capture: true })
			: outboundWorkflow('profileOutbound', receiver.url('/profile'));
	const sends = scenario === 'outbound' || scenario === 'signed';
	const inbound = inboundWorkflows();
	const workflows = sends ? [outbound] : [inbound.ours];
	const n8n = await startN8n({ workflows, credentials: CREDENTIALS, env: engine === 'legacy' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {} });
	const file = path.join(os.tmpdir(), `n8n-${scenario}-${engine ?? 'default'}-${Date.now()}.cpuprofile`);
	try {
		await waitForWebhooks(n8n, [sends ? outbound.name : 'bench-in-ours']);
		const work = sends
			? async (runs: number) => {
					for (let run = 0; run < runs; run++) await runWorkflow(n8n, outbound.name, { count: 5_000 });
				}
			: async (runs: number) => {
					const build = scenario === 'forged' ? forgedRequest : acceptedRequest;
					await runLoad({ url: n8n.webhookUrl('bench-in-ours'), concurrency: 10, requests: runs * 100, build });
					await drain(n8n);
				};
		await work(2);
		await profileProcess(findN8nPid(n8n.userFolder), file, () => work(sends ? 6 : 10));
	} finally {
		await n8n.stop();
		await receiver.close();
	}
	const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
	console.log(summariseProfile(profile));
	console.log(`\n— ${runtime.PACKAGE_NAME} only —`);
	console.log(summariseProfile(profile, 25, runtime.PACKAGE_NAME));
	console.log(`\nProfile: ${file}`);
}

main().catch((error: Error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});
