/**
 * Comparison 17: the Outbound node's XPath capture on XML answers with many repeated elements. The
 * xpath library sorts node sets with xmldom's compareDocumentPosition, which walks siblings on every
 * call; the node numbers the parsed tree in document order first (documentOrder.ts). Baseline: the
 * same parse and xpath.select without the numbering, as the node did before. Part of the handler
 * section (no n8n); the built package is timed.
 */
import { DOMParser } from '@xmldom/xmldom';
import * as xpath from 'xpath';

import type * as Capture from '../../nodes/shared/outbound/capture';
import type { Row } from '../lib/report';
import { shipped } from '../lib/shipped';
import { formatNumber, median, round } from '../lib/stats';

const EXPRESSION = '/response/record[last()]/id';

/** An answer listing `records` results (about 49 bytes each), as a batch API answers. */
const answer = (records: number) =>
	`<response>${'<record><id>12345</id><name>abcdefghij</name></record>'.repeat(records)}<receipt>r-1</receipt></response>`;

function timeMs(run: () => unknown): number {
	const started = process.hrtime.bigint();
	run();
	return Number(process.hrtime.bigint() - started) / 1e6;
}

export function xpathCaptureRows(rounds: number, details: Record<string, unknown>): Row[] {
	const { compileCapture, runCapture } = shipped<typeof Capture>('nodes/shared/outbound/capture');
	const spec = compileCapture('xPath', [{ name: 'id', expression: EXPRESSION }], 'Capture');
	const baseline = (text: string) => xpath.select(EXPRESSION, new DOMParser().parseFromString(text, 'text/xml') as unknown as Node);
	const rows: Row[] = [];
	// The baseline's sort grows with the square of the records: 17b's is estimated from 17a's instead of run for minutes.
	let measured = { records: 0, ms: 0 };
	const estimate = (records: number) => measured.ms * (records / measured.records) ** 2;
	for (const [id, records, withBaseline] of [
		['17a', 2_000, true],
		// The largest answer XPath still runs on (1 MB).
		['17b', 19_000, false],
	] as const) {
		const text = answer(records);
		const ours: number[] = [];
		const before: number[] = [];
		const found = runCapture(spec, text).values.id;
		if (found !== '12345') throw new Error(`bench: the XPath capture found ${JSON.stringify(found)} in the ${records}-record answer`);
		for (let round = 0; round < rounds; round++) {
			ours.push(timeMs(() => runCapture(spec, text)));
			if (withBaseline) before.push(timeMs(() => baseline(text)));
		}
		const kb = Math.round(text.length / 1024);
		const oursMs = median(ours);
		if (withBaseline) measured = { records, ms: median(before) };
		rows.push({
			id,
			comparison: `XPath capture ${EXPRESSION}, a ${formatNumber(kb)} KB answer of ${formatNumber(records)} records: ours vs xmldom's own order`,
			ours: `${formatNumber(oursMs)} ms`,
			baseline: withBaseline
				? `${formatNumber(median(before))} ms`
				: `not run: about ${formatNumber(estimate(records) / 1000)} s estimated (17a's × (${formatNumber(records)} ÷ ${formatNumber(measured.records)})²)`,
			ratio: withBaseline ? oursMs / median(before) : null,
			target: withBaseline ? '≤ 0.1×' : '≤ 1,000 ms',
			met: withBaseline ? oursMs / median(before) <= 0.1 : oursMs <= 1000,
		});
		details[`xpath ${records} records`] = {
			kb,
			oursMs: ours.map((value) => round(value, 1)),
			beforeMs: before.map((value) => round(value, 1)),
		};
	}
	return rows;
}
