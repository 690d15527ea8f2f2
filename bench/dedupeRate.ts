/**
 * The Inbound trigger's accepted rate in a real n8n with 0, 10,000 and 100,000 event ids already kept
 * by the static-data store (target: at 100,000, ≥ 0.9× the rate at 0). One n8n, three workflows
 * whose static data is seeded before import, concurrency 1, alternating rounds. Part of
 * `npm run bench -- --only=dedupe` (rows 14d–14f); alone:
 *
 *   npx tsx bench/dedupeRate.ts [--rounds=3] [--seconds=8]
 */
import { rebuild } from '../nodes/shared/dedupe/compactIds';
import { STATIC_DATA_KEY, hashEventId } from '../nodes/shared/inbound/dedupeStore';
import { pkgNode, startN8n, workflow } from '../test/n8n/harness';
import type { Row } from './lib/report';
import { formatNumber, median, round } from './lib/stats';

const argument = (name: string, fallback: number) =>
	Number(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ROUNDS = argument('rounds', 3);
const SECONDS = argument('seconds', 8);
/** One request may take this long before the round fails (a hung n8n must not stall the benchmark). */
const REQUEST_TIMEOUT_MS = 60_000;
const SIZES = [0, 10_000, 100_000];

function seededWorkflow(size: number) {
	const now = Math.floor(Date.now() / 1000);
	const entries = Array.from({ length: size }, (_, index): [string, number] => [hashEventId(`seed-${index}`), now + 86_400]);
	// Workflow ids keep 16 characters: one letter per size keeps them apart.
	const wf = workflow(
		`dedupeRate${'ZTH'[SIZES.indexOf(size)]}${size}`,
		[
			pkgNode('inboundWebhookTrigger', {
				name: 'Inbound',
				webhookId: `dedupe-rate-${size}`,
				parameters: {
					httpMethod: ['POST'],
					path: `rate-${size}`,
					deduplicate: true,
					eventIdPath: '$.id',
					settings: { dedupeMaxEntries: 100_000 },
				},
			}),
		],
		[],
	);
	return { ...wf, staticData: { 'node:Inbound': { [STATIC_DATA_KEY]: rebuild(entries, now, 100_000) } } };
}

let sequence = 0;
async function acceptedPerSecond(url: string): Promise<number> {
	const started = Date.now();
	const until = started + SECONDS * 1000;
	let accepted = 0;
	while (Date.now() < until) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id: `evt-${++sequence}` }),
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
		await response.text();
		if (response.status === 200) accepted++;
	}
	// The last request may end after the deadline: divide by the time really taken.
	return accepted / ((Date.now() - started) / 1000);
}

export interface DedupeRate {
	storedIds: number;
	acceptedPerSecond: number;
	/** Unrounded: the target is checked on it, the table shows it rounded. */
	ratioToZero: number;
	rounds: number[];
}

/** The accepted rate per size: medians of alternating rounds in one n8n. */
export async function measureDedupeRates(rounds = ROUNDS): Promise<DedupeRate[]> {
	const workflows = SIZES.map(seededWorkflow);
	const n8n = await startN8n({ workflows });
	try {
		const rates: Record<number, number[]> = Object.fromEntries(SIZES.map((size) => [size, []]));
		for (const size of SIZES) await acceptedPerSecond(n8n.webhookUrl(`rate-${size}`)); // warm-up: loads each store once
		for (let roundIndex = 0; roundIndex < rounds; roundIndex++) {
			const order = roundIndex % 2 === 0 ? SIZES : [...SIZES].reverse();
			for (const size of order) rates[size].push(await acceptedPerSecond(n8n.webhookUrl(`rate-${size}`)));
		}
		const base = median(rates[0]);
		return SIZES.map((size) => ({
			storedIds: size,
			acceptedPerSecond: round(median(rates[size]), 1),
			ratioToZero: median(rates[size]) / base,
			rounds: rates[size].map((rate) => round(rate, 2)),
		}));
	} finally {
		await n8n.stop();
	}
}

/** Rows 14d–14f: the rate at each size against the rate at 0 in the same rounds. */
export function dedupeRateRows(rates: DedupeRate[]): Row[] {
	const atZero = rates.find((rate) => rate.storedIds === 0) as DedupeRate;
	return rates.map((rate, index) => ({
		id: `14${'def'[index]}`,
		comparison: `Inbound accepted rate, c1, static-data store with ${rate.storedIds.toLocaleString('en-US')} ids kept vs none kept (same n8n, alternating)`,
		ours: `${formatNumber(rate.acceptedPerSecond)}/s`,
		baseline: `${formatNumber(atZero.acceptedPerSecond)}/s`,
		ratio: round(rate.ratioToZero, 2),
		target: rate.storedIds === 100_000 ? '≥ 0.9×' : '—',
		met: rate.storedIds === 100_000 ? rate.ratioToZero >= 0.9 : null,
	}));
}

if (require.main === module) {
	measureDedupeRates().then(
		(rates) => {
			for (const rate of rates) console.log(JSON.stringify(rate));
			process.exit(0);
		},
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
