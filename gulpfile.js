const path = require('node:path');
const { task, src, dest } = require('gulp');

// n8n reads node and credential icons, and each node's codex (<Name>.node.json: categories, aliases,
// documentation link), from files that sit next to the compiled .js, so they are copied into dist
// with the same folder layout.
task('build:icons', copyIcons);

function copyIcons() {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg,node.json}');
	const nodeDestination = path.resolve('dist', 'nodes');
	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));

	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	return src(credSource, { encoding: false }).pipe(dest(credDestination));
}
