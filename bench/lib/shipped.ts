/**
 * The package's compiled JavaScript (dist/), the code n8n loads. Sections that time our code per request
 * without n8n import it through here rather than from the TypeScript source: tsx transpiles the source with
 * helpers of its own that run on every call (about a fifth of the handler's cost), which no user pays.
 * `npm run bench` builds dist/ before these sections run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

/** Compiles the package as `npm run build` does (without the icons): dist/ then matches the source being measured. */
export function buildShippedCode(): void {
	const tsc = require.resolve('typescript/bin/tsc');
	const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('bench: compiling the package (tsc -p tsconfig.build.json) failed');
}

/** A module of the built package, typed as its source: `shipped<typeof import('…/handler')>('nodes/CrmEventTrigger/handler')`. */
export function shipped<T>(sourcePath: string): T {
	return require(path.join(ROOT, 'dist', sourcePath)) as T;
}
