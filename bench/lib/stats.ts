/** Small statistics and formatting helpers for the benchmark suite. */

export function median(values: readonly number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile (p in 0–100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
	return sorted[rank - 1];
}

export const round = (value: number, digits = 2) => {
	if (!Number.isFinite(value)) return value;
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
};

/** 1234.5 → "1,235"; 0.0123 → "0.0123": enough digits to read, no more. */
export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	const magnitude = Math.abs(value);
	const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
	return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/**
 * Runs `rounds` rounds of every variant, in an order that alternates each round (A B C, then C B A, …),
 * so drift over the run (warm-up, database growth, a busy neighbour) hits every variant alike.
 * Returns each variant's per-round results.
 */
export async function alternate<T>(
	rounds: number,
	variants: ReadonlyArray<{ name: string; run: (round: number) => Promise<T> }>,
	onResult?: (name: string, round: number, result: T) => void,
): Promise<Record<string, T[]>> {
	const results: Record<string, T[]> = Object.fromEntries(variants.map((variant) => [variant.name, []]));
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 === 0 ? variants : [...variants].reverse();
		for (const variant of order) {
			const result = await variant.run(round);
			results[variant.name].push(result);
			onResult?.(variant.name, round, result);
		}
	}
	return results;
}

/** The median of one numeric field over rounds. */
export const medianOf = <T>(runs: readonly T[], pick: (run: T) => number) => median(runs.map(pick));

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
