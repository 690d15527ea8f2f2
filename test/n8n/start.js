// @ts-check
/**
 * `npm start`: a real local n8n on http://127.0.0.1:5678 with this package installed from its packed
 * tarball (as a community install), the example workflows imported and published.
 * Data lives in .n8n-local/ (git-ignored), so what you build in the editor survives restarts. Each
 * example and demo credential is imported once; later starts leave your edits to them alone.
 *
 *   N8N_PORT=5679 npm start                    another port
 *   CRM_WEBHOOKS_USER_FOLDER=…                 another user folder
 *   CRM_WEBHOOKS_RESET_EXAMPLES=1 npm start    import the examples and demo credentials again
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { EXAMPLE_CREDENTIALS_FILE, exampleCredentials } = require('./exampleCredentials.js');
const runtime = require('./runtime.js');

const EXAMPLES_DIR = path.join(runtime.REPO_ROOT, 'examples');
const TRIGGER_TYPES = new Set([
	'n8n-nodes-crm-webhooks.crmEventTrigger',
	'n8n-nodes-crm-webhooks.inboundWebhookTrigger',
	'n8n-nodes-base.webhook',
]);

/** @returns {Array<{ id: string, name: string, nodes: Array<{ type: string, name: string, parameters?: Record<string, unknown>, webhookId?: string }> }>} */
function readExamples() {
	if (!fs.existsSync(EXAMPLES_DIR)) return [];
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json') && file !== 'credentials.json')
		.sort()
		.map((file) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')));
}

/** Ids imported on an earlier start, so a restart does not overwrite what the user changed. */
/** @param {string} userFolder */
function importedIds(userFolder) {
	const file = path.join(userFolder, 'examples-imported.json');
	let ids = [];
	if (process.env.CRM_WEBHOOKS_RESET_EXAMPLES !== '1') {
		try {
			ids = JSON.parse(fs.readFileSync(file, 'utf8'));
		} catch {
			ids = [];
		}
	}
	const seen = new Set(ids);
	return {
		has: (/** @type {string} */ id) => seen.has(id),
		add: (/** @type {string[]} */ added) => {
			for (const id of added) seen.add(id);
			fs.writeFileSync(file, JSON.stringify([...seen].sort(), null, '\t'));
		},
	};
}

async function main() {
	const port = Number(process.env.N8N_PORT || 5678);
	const userFolder = path.resolve(process.env.CRM_WEBHOOKS_USER_FOLDER || path.join(runtime.REPO_ROOT, '.n8n-local'));
	const installed = await runtime.ensureN8n();

	runtime.log('building and packing the package');
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-pack-'));
	const tarball = runtime.packPackage(packDir);
	runtime.installPackageLikeN8n(tarball, userFolder);
	fs.rmSync(packDir, { recursive: true, force: true });
	runtime.log(`installed ${path.basename(tarball)} into ${path.join(userFolder, '.n8n', 'nodes')}`);

	const examples = readExamples();
	const imported = importedIds(userFolder);
	// Stamped old, so n8n never picks a demo credential for a node the user adds.
	const credentials = exampleCredentials(EXAMPLE_CREDENTIALS_FILE);
	const newCredentials = credentials.filter((credential) => !imported.has(credential.id));
	if (newCredentials.length > 0) {
		const file = path.join(userFolder, 'example-credentials.json');
		fs.writeFileSync(file, JSON.stringify(newCredentials));
		runtime.n8nCli(installed, ['import:credentials', `--input=${file}`], { userFolder });
		fs.rmSync(file, { force: true });
		imported.add(newCredentials.map((credential) => credential.id));
	}
	const newExamples = examples.filter((example) => !imported.has(example.id));
	if (newExamples.length > 0) {
		const file = path.join(userFolder, 'examples.json');
		fs.writeFileSync(file, JSON.stringify(newExamples));
		runtime.n8nCli(installed, ['import:workflow', `--input=${file}`], { userFolder });
		for (const example of newExamples) {
			runtime.n8nCli(installed, runtime.publishWorkflowArgs(installed, example.id), { userFolder });
		}
		imported.add(newExamples.map((example) => example.id));
		runtime.log(`imported and published ${newExamples.length} example workflows`);
	} else if (examples.length > 0) {
		runtime.log('example workflows already imported; CRM_WEBHOOKS_RESET_EXAMPLES=1 imports them again');
	}

	const n8n = await runtime.startN8n(installed, {
		userFolder,
		port,
		inheritOutput: true,
		extra: { N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info' },
	});

	const lines = [`n8n ${installed.version} is running with n8n-nodes-crm-webhooks loaded.`, '', `  Editor:  ${n8n.baseUrl}/`];
	const webhookLines = [];
	for (const example of examples) {
		for (const node of example.nodes.filter((candidate) => TRIGGER_TYPES.has(candidate.type))) {
			const webhookPath = String(node.parameters?.path || node.webhookId || '');
			webhookLines.push(`  ${example.name} → ${node.name}: ${n8n.baseUrl}/webhook/${webhookPath}`);
		}
	}
	if (webhookLines.length > 0) lines.push('', '  Production webhook URLs of the examples:', ...webhookLines);
	lines.push('', '  Press Ctrl-C to stop.', '');
	process.stdout.write(`\n${lines.join('\n')}\n`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('\nStopping n8n …\n');
		await n8n.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	n8n.process.on('exit', (code) => {
		if (!stopping) {
			process.stderr.write(`n8n exited unexpectedly (code ${code})\n`);
			process.exit(1);
		}
	});
}

// `npm run start:queue` reuses how the examples are read.
if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}

module.exports = { EXAMPLES_DIR, TRIGGER_TYPES, readExamples };
