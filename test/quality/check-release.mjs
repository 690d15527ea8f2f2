// Checks what npm shows on the package's page before `npm run release` publishes it. npmjs.com resolves the README's
// relative links and images (docs/…, bench/README.md, screenshots) against package.json's `repository`; without it
// each of them is a broken link on the page every node's Docs link opens.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** Markdown link and image targets that are neither absolute URLs nor anchors on the same page. */
const relativeTargets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
	.map(([, target]) => target)
	.filter((target) => !/^(?:[a-z][a-z0-9+.-]*:|#)/i.test(target));

const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
if (relativeTargets.length > 0 && !repository) {
	const sample = [...new Set(relativeTargets)].slice(0, 3).join(', ');
	console.error(
		`package.json has no "repository": npmjs.com would show the README's ${relativeTargets.length} relative links and images ` +
			`(${sample} …) as broken. Set "repository": {"type": "git", "url": "<the public Git URL>"} before publishing.`,
	);
	process.exitCode = 1;
} else {
	console.log(`README links: ${relativeTargets.length} relative, resolved against ${repository ?? 'nothing (none needed)'}`);
}
