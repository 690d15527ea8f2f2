import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { formatNumber, round } from './stats';

/** One line of the results table. */
export interface Row {
	/** Comparison number, as in the table, e.g. "1a". */
	id: string;
	comparison: string;
	ours: string;
	baseline: string;
	/** ours ÷ baseline, or whatever `ratioLabel` says; null when there is nothing to divide. */
	ratio: number | null;
	target: string;
	/** null: informational, no target. */
	met: boolean | null;
}

export interface Section {
	rows: Row[];
	/** Raw figures behind the rows (per round), kept in the JSON. */
	details: Record<string, unknown>;
}

const ratioText = (ratio: number | null) => (ratio === null ? '—' : `${formatNumber(ratio)}×`);
const metText = (met: boolean | null) => (met === null ? '' : met ? 'met' : 'MISSED');

/** The one table `npm run bench` prints, as Markdown (readable in a terminal and pasteable into the README). */
export function renderTable(rows: readonly Row[]): string {
	const header = ['#', 'comparison', 'ours', 'baseline', 'ratio', 'target', ''];
	const lines = rows.map((row) => [row.id, row.comparison, row.ours, row.baseline, ratioText(row.ratio), row.target, metText(row.met)]);
	const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
	const format = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [format(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

export interface Meta {
	date: string;
	cpus: number;
	cpuModel: string;
	totalMemoryGb: number;
	loadAverageAtStart: number[];
	benchNode: string;
	n8nNode: string;
	n8nVersion: string;
	rounds: number;
	durationSeconds?: number;
	loadAverageAtEnd?: number[];
}

export function machineMeta(n8nNode: string, n8nVersion: string, rounds: number): Meta {
	return {
		date: new Date().toISOString(),
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model ?? 'unknown',
		totalMemoryGb: round(os.totalmem() / 2 ** 30, 1),
		loadAverageAtStart: os.loadavg().map((value) => round(value, 2)),
		benchNode: process.version,
		n8nNode,
		n8nVersion,
		rounds,
	};
}

/** Writes results/<timestamp>.json (git-ignored) and results/latest.json (committed). */
export function writeResults(resultsDir: string, meta: Meta, rows: Row[], details: Record<string, unknown>): string {
	fs.mkdirSync(resultsDir, { recursive: true });
	const json = `${JSON.stringify({ meta, table: rows, details }, null, '\t')}\n`;
	const stamped = path.join(resultsDir, `${meta.date.replace(/[:.]/g, '-')}.json`);
	fs.writeFileSync(stamped, json);
	fs.writeFileSync(path.join(resultsDir, 'latest.json'), json);
	return stamped;
}
