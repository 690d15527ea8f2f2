import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../quality/check-release.mjs');

function checkRelease(manifest: object, readme: string) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-release-'));
	try {
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
		fs.writeFileSync(path.join(dir, 'README.md'), readme);
		const run = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
		return { status: run.status, output: run.stdout + run.stderr };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

const README = '# x\n[Credentials](docs/credentials.md#basic) ![editor](docs/images/a.png) [up](#x) [npm](https://npmjs.com)\n';

describe('check-release', () => {
	it('refuses a README with relative links when package.json names no repository', () => {
		const result = checkRelease({ name: 'x' }, README);
		expect(result.status).toBe(1);
		expect(result.output).toContain('package.json has no "repository"');
		expect(result.output).toContain("README's 2 relative links and images (docs/credentials.md#basic, docs/images/a.png");
	});

	it('passes once a repository is set, or when every link is absolute or an anchor', () => {
		expect(checkRelease({ repository: { type: 'git', url: 'https://example.org/x.git' } }, README).status).toBe(0);
		expect(checkRelease({ repository: 'github:owner/x' }, README).status).toBe(0);
		expect(checkRelease({}, '[up](#x) [npm](https://npmjs.com) [mail](mailto:a@b.c)\n').status).toBe(0);
	});

	it("finds the relative links of this package's own README", () => {
		const root = path.resolve(__dirname, '../../..');
		const result = checkRelease({ name: 'n8n-nodes-crm-webhooks' }, fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
		expect(result.status).toBe(1);
		expect(result.output).toMatch(/relative links and images \(docs\//);
	});
});
