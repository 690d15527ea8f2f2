/**
 * n8n settings that change the Inbound trigger's throughput: one n8n per setting, our trigger (HMAC +
 * dedupe) and the bare Webhook node taking 1 KB events at c10 in alternating rounds. With
 * EXECUTIONS_DATA_SAVE_ON_SUCCESS=none n8n deletes finished executions, so the rate here is answers
 * until every execution has finished (n8n lists running ones), not a count of stored executions.
 */
import type { TestN8n } from '../../test/n8n/harness';
import type { LoadRequest } from '../lib/loadClient';
import { runLoad } from '../lib/loadClient';
import { drain } from '../lib/n8nBench';
import type { Row, Section } from '../lib/report';
import { alternate, formatNumber, medianOf, round } from '../lib/stats';
import { CHAIN_PATHS, event, json, signed } from './chainSetup';

const LAZY = { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' };
const NO_SAVED_SUCCESSES = { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' };

/** Each setting's n8n environment; `default` is the reference the others are divided by. */
export const SETTINGS = {
	default: {},
	pool4: { N8N_EXPRESSION_ENGINE_POOL_SIZE: '4' },
	'no-saved-successes': NO_SAVED_SUCCESSES,
	lazy: LAZY,
	'lazy-no-saved-successes': { ...LAZY, ...NO_SAVED_SUCCESSES },
	legacy: { N8N_EXPRESSION_ENGINE: 'legacy' },
} satisfies Record<string, Record<string, string>>;
export type SettingName = keyof typeof SETTINGS;

const CONCURRENCY = 10;
const MAX_REQUESTS = 400;

interface SettingsPhase {
	answered: number;
	/** Requests per second from the first request until n8n ran no execution any more. */
	eventsPerSecond: number;
	p50Ms: number;
}

async function settingsPhase(n8n: TestN8n, path: string, build: () => LoadRequest, phaseMs: number): Promise<SettingsPhase> {
	const load = await runLoad({
		url: n8n.webhookUrl(path),
		concurrency: CONCURRENCY,
		requests: MAX_REQUESTS,
		maxDurationMs: phaseMs,
		build,
	});
	if (load.statuses['200'] !== load.completed || load.errors > 0)
		throw new Error(`${path}: expected only 200, got ${JSON.stringify(load.statuses)}, ${load.errors} errors`);
	await drain(n8n, 120_000);
	const finished = performance.timeOrigin + performance.now();
	return { answered: load.completed, eventsPerSecond: (load.completed / (finished - load.startedMs)) * 1000, p50Ms: load.p50Ms };
}

/** One setting's rounds: ours and the bare Webhook node, accepted, c10. */
export async function settingRun(
	n8n: TestN8n,
	setting: SettingName,
	rounds: number,
	phaseMs: number,
): Promise<Record<string, SettingsPhase[]>> {
	const variants = [
		{ name: 'ours', run: () => settingsPhase(n8n, CHAIN_PATHS.ours, () => signed(event()), phaseMs) },
		{ name: 'bare Webhook node', run: () => settingsPhase(n8n, CHAIN_PATHS.bare, () => ({ headers: json, body: event() }), phaseMs) },
	];
	for (const { run } of variants) await run();
	return await alternate<SettingsPhase>(rounds, variants, (name, index, result) =>
		console.error(
			`  [settings ${setting}] round ${index + 1} ${name}: ${formatNumber(result.eventsPerSecond)} events/s, p50 ${formatNumber(result.p50Ms)} ms`,
		),
	);
}

/** Rows: each setting's rate for ours, against the default setting and against the bare Webhook node in the same n8n. */
export function settingsSection(runs: Partial<Record<SettingName, Record<string, SettingsPhase[]>>>): Section {
	const rate = (setting: SettingName, name: string) => medianOf(runs[setting]?.[name] ?? [], (phase) => phase.eventsPerSecond);
	const rows: Row[] = (Object.keys(runs) as SettingName[]).map((setting, index) => ({
		id: `9${'abcdefgh'[index]}`,
		comparison: `Accepted 1 KB events, c${CONCURRENCY}, ${setting} ${JSON.stringify(SETTINGS[setting])}: ours vs n8n defaults (bare Webhook node in the same n8n)`,
		ours: `${formatNumber(rate(setting, 'ours'))}/s (bare Webhook node ${formatNumber(rate(setting, 'bare Webhook node'))}/s)`,
		baseline: runs.default ? `${formatNumber(rate('default', 'ours'))}/s` : '—',
		ratio: runs.default ? rate(setting, 'ours') / rate('default', 'ours') : null,
		target: 'report',
		met: null,
	}));
	const medians = Object.fromEntries(
		Object.entries(runs).map(([setting, phases]) => [
			setting,
			Object.fromEntries(Object.keys(phases ?? {}).map((name) => [name, round(rate(setting as SettingName, name))])),
		]),
	);
	return { rows, details: { concurrency: CONCURRENCY, medians, rounds: runs } };
}
