import { spawnSync } from 'node:child_process';
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
	/** The commit measured, with "+changes" when the working tree differed from it. */
	commit: string;
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

function currentCommit(): string {
	const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
	const head = git('rev-parse', '--short', 'HEAD');
	if (head === '') return 'unknown';
	// The results file itself changes with every run.
	return git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results') === '' ? head : `${head}+changes`;
}

export function machineMeta(n8nNode: string, n8nVersion: string, rounds: number): Meta {
	return {
		date: new Date().toISOString(),
		commit: currentCommit(),
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

/** A section as results/latest.json keeps it: its rows and raw figures, with the run that measured them. */
export interface StoredSection extends Section {
	meta: Meta;
}

export type StoredResults = Record<string, StoredSection>;

/** The sections of latest.json (none when there is no file yet). */
export function readResults(file: string): StoredResults {
	if (!fs.existsSync(file)) return {};
	const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { sections?: StoredResults; table?: unknown };
	if (parsed.sections === undefined && parsed.table !== undefined) {
		// The layout before per-section results: merging into it would drop every section this run did not measure.
		throw new Error(`${file} holds one whole run, not sections: run every section once (npm run bench), or move the file away`);
	}
	return parsed.sections ?? {};
}

/**
 * Writes this run to results/<timestamp>.json (git-ignored) and merges it into results/latest.json
 * (committed): a section this run measured replaces the stored one, the others keep the run that
 * measured them. Returns the stamped file and every stored section, in the table's order.
 */
export function writeResults(
	resultsDir: string,
	meta: Meta,
	sections: Record<string, Section>,
	order: readonly string[],
): { stamped: string; merged: StoredResults } {
	fs.mkdirSync(resultsDir, { recursive: true });
	const measured = Object.fromEntries(Object.entries(sections).map(([name, section]) => [name, { meta, ...section }]));
	const latest = path.join(resultsDir, 'latest.json');
	const stored = { ...readResults(latest), ...measured };
	const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
	const merged = Object.fromEntries(Object.entries(stored).sort(([a], [b]) => rank(a) - rank(b)));
	const stamped = path.join(resultsDir, `${meta.date.replace(/[:.]/g, '-')}.json`);
	fs.writeFileSync(stamped, `${JSON.stringify({ sections: measured }, null, '\t')}\n`);
	fs.writeFileSync(latest, `${JSON.stringify({ sections: merged }, null, '\t')}\n`);
	return { stamped, merged };
}

/** One line per stored section: which run measured its rows. */
export function provenance(stored: StoredResults): string {
	return Object.entries(stored)
		.map(([name, { rows, meta }]) => {
			const ids = rows.length === 0 ? 'no rows' : `${rows[0].id}–${rows.at(-1)?.id}`;
			const load = meta.loadAverageAtStart[0];
			return `- ${name} (${ids}): ${meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${meta.commit ?? 'not recorded'}, load average ${load} at its start`;
		})
		.join('\n');
}
