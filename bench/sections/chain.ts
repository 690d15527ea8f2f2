/**
 * Our Inbound Webhook Trigger (HMAC + dedupe by event id) against the chain a user builds without
 * this package: Webhook (Raw Body) → Crypto (HMAC-SHA256 of the binary body) → IF (equals the
 * signature header) → Remove Duplicates (processed in previous executions) → Done. 1 KB signed
 * SalesOS-style events, accepted, forged and duplicate, at c1 and c10, all variants alternating in
 * one n8n; run once per expression-engine setting. Also n8n's own floors: the bare Webhook node and
 * the Webhook node refusing a wrong Basic Auth password. Then two correctness trials the chain fails.
 */
import type { TestN8n } from '../../test/n8n/harness';
import type { LoadRequest } from '../lib/loadClient';
import { drain } from '../lib/n8nBench';
import type { Row, Section } from '../lib/report';
import { alternate, formatNumber, medianOf, round } from '../lib/stats';
import type { EngineName } from './chainSetup';
import { CHAIN_PATHS, chainWorkflows, event, json, sign, signed } from './chainSetup';
import { chainTrials } from './chainTrials';
import type { Phase } from './inbound';
import { phase } from './inbound';

const CONCURRENCIES = [1, 10] as const;

const forged = (): LoadRequest => ({ headers: { ...json, 'x-webhook-signature': sign('other bytes') }, body: event() });
const wrongPassword: LoadRequest = {
	headers: { ...json, authorization: `Basic ${Buffer.from('bench-user:wrong').toString('base64')}` },
	body: event(),
};

/** n8n's Webhook node answers a wrong Basic Auth password with 401. */
const FLOOR_STATUS = 401;

type Run = () => Promise<Phase>;

/** Every timed variant at one concurrency; `repeatOurs`/`repeatChain` are events each side has accepted once. */
function variants(
	n8n: TestN8n,
	workflows: ReturnType<typeof chainWorkflows>,
	concurrency: number,
	repeats: Record<'ours' | 'chain', LoadRequest>,
	phaseMs: number,
) {
	const run =
		(name: keyof typeof CHAIN_PATHS, build: () => LoadRequest, executes: boolean, status = 200): Run =>
		() =>
			phase(n8n, workflows[name], CHAIN_PATHS[name], concurrency, build, executes, status, phaseMs);
	const fresh = () => signed(event());
	const list: Array<{ name: string; run: Run }> = [
		{ name: `ours accepted c${concurrency}`, run: run('ours', fresh, true) },
		{ name: `chain accepted c${concurrency}`, run: run('chain', fresh, true) },
		{ name: `bare Webhook accepted c${concurrency}`, run: run('bare', () => ({ headers: json, body: event() }), true) },
		{ name: `ours forged c${concurrency}`, run: run('ours', forged, false, 401) },
		{ name: `chain forged c${concurrency}`, run: run('chain', forged, true) },
		{ name: `ours duplicate c${concurrency}`, run: run('ours', () => repeats.ours, false) },
		{ name: `chain duplicate c${concurrency}`, run: run('chain', () => repeats.chain, true) },
		{ name: `Webhook Basic Auth refusal c${concurrency}`, run: run('floor', () => wrongPassword, false, FLOOR_STATUS) },
	];
	// The typeVersion-2 experiment (see chainSetup.ts), at c10 only.
	if (concurrency === 10) list.push({ name: 'ours at typeVersion 2 accepted c10', run: run('oursV2', fresh, true) });
	return list;
}

/** Sends one event so that later copies of it are duplicates. */
async function acceptOnce(n8n: TestN8n, path: string, request: LoadRequest) {
	const response = await fetch(n8n.webhookUrl(path), {
		method: 'POST',
		headers: request.headers,
		body: request.body,
		signal: AbortSignal.timeout(60_000),
	});
	if (response.status !== 200) throw new Error(`The event to repeat was answered ${response.status} by ${path}`);
	await drain(n8n);
}

export async function chainSection(
	n8n: TestN8n,
	workflows: ReturnType<typeof chainWorkflows>,
	rounds: number,
	engine: EngineName,
	phaseMs: number,
): Promise<Section> {
	const log = (name: string, index: number, result: Phase) =>
		console.error(
			`  [chain ${engine}] round ${index + 1} ${name}: ${formatNumber(result.executionRate)} events/s, p50 ${formatNumber(result.load.p50Ms)} ms, ${JSON.stringify(result.load.statuses)}`,
		);
	const repeats = { ours: signed(event()), chain: signed(event()) };
	await acceptOnce(n8n, CHAIN_PATHS.ours, repeats.ours);
	await acceptOnce(n8n, CHAIN_PATHS.chain, repeats.chain);
	// Warm-up: the first requests load workflows, credentials and JIT.
	for (const { run } of variants(n8n, workflows, 1, repeats, Math.min(phaseMs, 1_000))) await run();

	const results: Record<string, Phase[]> = {};
	for (const concurrency of CONCURRENCIES) {
		Object.assign(results, await alternate<Phase>(rounds, variants(n8n, workflows, concurrency, repeats, phaseMs), log));
	}
	const trials = await chainTrials(n8n, workflows, engine);
	return {
		rows: [...chainRows(results, engine), ...trials.rows],
		details: { engine, phaseMs, medians: mediansOf(results), rounds: results, trials: trials.details },
	};
}

const rate = (results: Record<string, Phase[]>, name: string) => medianOf(results[name], (result) => result.executionRate);

function mediansOf(results: Record<string, Phase[]>) {
	return Object.fromEntries(
		Object.entries(results).map(([name, runs]) => [
			name,
			{
				eventsPerSecond: round(rate(results, name)),
				p50Ms: round(medianOf(runs, (run) => run.load.p50Ms)),
				p99Ms: round(medianOf(runs, (run) => run.load.p99Ms)),
			},
		]),
	);
}

/** Targets of the comparison, by engine: the default engine's isolate per request is n8n's policy, so it is reported without one. */
const TARGETS: Record<EngineName, { accepted?: number; refused?: number; bare?: number }> = {
	default: {},
	lazy: { accepted: 1, refused: 3, bare: 0.8 },
	legacy: { accepted: 1, refused: 3 },
};

function chainRows(results: Record<string, Phase[]>, engine: EngineName): Row[] {
	const rows: Row[] = [];
	const target = TARGETS[engine];
	const row = (id: string, comparison: string, ours: string, baseline: string, wanted: number | undefined): Row => {
		const ratio = rate(results, ours) / rate(results, baseline);
		const text = (name: string) => `${formatNumber(rate(results, name))}/s`;
		return {
			id,
			comparison,
			ours: text(ours),
			baseline: text(baseline),
			ratio,
			target: wanted === undefined ? 'report' : `≥ ${wanted}×`,
			met: wanted === undefined ? null : ratio >= wanted,
		};
	};
	for (const c of CONCURRENCIES) {
		const suffix = `c${c} [${engine}]`;
		rows.push(
			row(
				`8a-${engine}-c${c}`,
				`Accepted, ${suffix}: ours (HMAC + dedupe) vs hand-built chain`,
				`ours accepted c${c}`,
				`chain accepted c${c}`,
				target.accepted,
			),
			row(
				`8b-${engine}-c${c}`,
				`Forged, ${suffix}: ours refuses (401) vs chain (an execution each)`,
				`ours forged c${c}`,
				`chain forged c${c}`,
				target.refused,
			),
			row(
				`8c-${engine}-c${c}`,
				`Duplicate, ${suffix}: ours refuses vs chain (an execution each)`,
				`ours duplicate c${c}`,
				`chain duplicate c${c}`,
				target.refused,
			),
			row(
				`8d-${engine}-c${c}`,
				`Accepted, ${suffix}: ours vs bare Webhook node (no checks)`,
				`ours accepted c${c}`,
				`bare Webhook accepted c${c}`,
				target.bare,
			),
			row(
				`8e-${engine}-c${c}`,
				`Refused, ${suffix}: ours forged vs n8n's floor (Webhook refusing Basic Auth)`,
				`ours forged c${c}`,
				`Webhook Basic Auth refusal c${c}`,
				undefined,
			),
		);
	}
	rows.push(
		row(
			`8h-${engine}`,
			`Accepted, c10 [${engine}]: experiment, ours at typeVersion 2 (n8n parses first) vs ours as shipped`,
			'ours at typeVersion 2 accepted c10',
			'ours accepted c10',
			undefined,
		),
	);
	return rows;
}
