// n8n's package scanner (@n8n/scan-community-package), offline: its CLI downloads published packages,
// so this runs its analyzePackage() on the packed tarball (the compiled files users install) and on the
// source, the two legs the CLI checks. Rules that only matter for n8n Cloud are reported on their own.
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLOUD_ONLY_RULES = {
	'@n8n/community-nodes/no-runtime-dependencies': 'it has runtime dependencies',
	'@n8n/community-nodes/no-restricted-imports': 'it imports modules outside n8n-workflow',
	'@n8n/community-nodes/no-restricted-globals': 'it uses Node globals such as setTimeout and Buffer',
};

function packAndUnpack() {
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-scan-'));
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: REPO_ROOT, encoding: 'utf8' }),
	);
	const unpacked = path.join(workDir, 'package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(workDir, path.basename(filename)), '-C', unpacked, '--strip-components=1']);
	return { workDir, unpacked };
}

/** Findings per rule from the scanner's stylish report: `  12:3  error  message  rule-id`. */
function findingsByRule(details = '') {
	const byRule = new Map();
	let file = '';
	for (const line of details.split('\n')) {
		if (line.startsWith('/')) file = line.trim();
		const match = /^\s+\d+:\d+\s+error\s+(.*?)\s{2,}(\S+)\s*$/.exec(line);
		if (!match) continue;
		const [, message, rule] = match;
		if (!byRule.has(rule)) byRule.set(rule, []);
		byRule.get(rule).push(`${path.basename(file)}: ${message}`);
	}
	return byRule;
}

/** Every node and credential package.json names, present in the tarball: a pack without a build would ship none. */
function missingFromTarball(unpacked) {
	const { n8n } = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
	return [...n8n.nodes, ...n8n.credentials].filter((file) => !fs.existsSync(path.join(unpacked, file)));
}

const { workDir, unpacked } = packAndUnpack();
try {
	const missing = missingFromTarball(unpacked);
	if (missing.length > 0) throw new Error(`The tarball lacks files package.json names: ${missing.join(', ')}`);
	const legs = [
		['tarball', await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
		['source', await analyzePackage(REPO_ROOT, SOURCE_FILE_PATTERNS)],
	];
	const cloudReasons = new Map();
	let failed = false;
	for (const [leg, result] of legs) {
		if (result.error) {
			console.error(`scan of the ${leg} failed: ${result.message}`);
			failed = true;
			continue;
		}
		const findings = findingsByRule(result.details);
		const blocking = [...findings].filter(([rule]) => !(rule in CLOUD_ONLY_RULES));
		for (const [rule, list] of findings) {
			if (rule in CLOUD_ONLY_RULES) cloudReasons.set(rule, (cloudReasons.get(rule) ?? 0) + list.length);
		}
		if (blocking.length === 0) {
			console.log(`n8n package scanner, ${leg}: every rule passes except the n8n Cloud-only ones`);
		} else {
			failed = true;
			console.log(`n8n package scanner, ${leg}: FAILED`);
			for (const [rule, list] of blocking) console.log(`  ${rule}\n    ${list.join('\n    ')}`);
		}
	}
	if (cloudReasons.size > 0) {
		const because = [...cloudReasons].map(([rule, count]) => `${CLOUD_ONLY_RULES[rule]} (${rule}, ${count} findings)`);
		console.log(`n8n Cloud eligibility: no, because ${because.join('; ')}`);
	} else {
		console.log('n8n Cloud eligibility: yes');
	}
	process.exitCode = failed ? 1 : 0;
} finally {
	fs.rmSync(workDir, { recursive: true, force: true });
}
