/**
 * `npx tsx bench/table.ts`: prints what bench/results/latest.json holds, as bench/README.md shows it: which run
 * measured each section, then every stored row.
 */
import path from 'node:path';

import { provenance, readResults, renderTable } from './lib/report';

const stored = readResults(path.join(__dirname, 'results', 'latest.json'));
console.log(provenance(stored));
console.log(`\n${renderTable(Object.values(stored).flatMap((section) => section.rows))}`);
