/**
 * `npm run docs:screenshots`: pictures for the README, taken from a real n8n.
 *
 * Starts n8n through the e2e harness with the shipped examples and demo credentials (the harness
 * sets up the owner account through n8n's REST API), opens the editor in headless Chromium (Debian's
 * /usr/bin/chromium through playwright-core) and saves into docs/images/:
 *   - example-<file>.png      each example workflow on the canvas
 *   - node-<node>[-…].png     each node's parameter panel (and a second view of the long ones)
 *   - credential-<type>.png   a credential dialog
 * Not part of CI: it needs Chromium and takes about a minute.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { CredentialJson, TestN8n, WorkflowJson } from '../n8n/harness';
import { startN8n } from '../n8n/harness';
import type { Editor } from '../editor/browser';
import { dismissPopups, openEditor } from '../editor/browser';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const OUTPUT_DIR = path.join(REPO_ROOT, 'docs', 'images');

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as T;

/** Example file → workflow, in file order. */
function examples(): Array<{ file: string; workflow: WorkflowJson }> {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json') && file !== 'credentials.json')
		.sort()
		.map((file) => ({ file: file.replace(/\.json$/, ''), workflow: readJson<WorkflowJson>(file) }));
}

/**
 * The parameter panels to show: one per node type, opened in the example that configures it best.
 * `scrollTo` scrolls the parameter list to a parameter; `showUrls` expands the trigger's webhook URLs;
 * `mustShow` lists parameters the editor must display (it once hid the CRM selector, see
 * test/unit/nodes/editorVisibility.test.ts), and the script fails if one is missing.
 */
const PANELS: Array<{ image: string; example: string; node: string; scrollTo?: string; showUrls?: boolean; mustShow?: string[] }> = [
	{
		image: 'node-crm-event-trigger',
		example: 'salesos-invoice-on-deal-won',
		node: 'SalesOS Deal Won',
		showUrls: true,
		mustShow: ['crm', 'authentication'],
	},
	{
		image: 'node-outbound-webhook',
		example: 'salesos-invoice-on-deal-won',
		node: 'Request Invoice',
		mustShow: ['authentication', 'signRequests'],
	},
	{
		image: 'node-outbound-webhook-body-and-capture',
		example: 'salesos-invoice-on-deal-won',
		node: 'Request Invoice',
		scrollTo: 'encoding',
	},
	{ image: 'node-inbound-webhook-trigger', example: 'inbound-field-mapping', node: 'Contact Webhook', showUrls: true },
	{
		image: 'node-inbound-webhook-trigger-field-mapping',
		example: 'inbound-field-mapping',
		node: 'Contact Webhook',
		scrollTo: 'fieldMapping',
	},
];

const CREDENTIAL_DIALOGS = [{ image: 'credential-webhook-signing-secret-api', name: 'Example SalesOS Signing Secret' }];

async function save(editor: Editor, image: string): Promise<void> {
	const file = path.join(OUTPUT_DIR, `${image}.png`);
	await editor.screenshot(file);
	process.stdout.write(`  ${path.relative(REPO_ROOT, file)}\n`);
}

async function main(): Promise<void> {
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const all = examples();
	const credentials = readJson<CredentialJson[]>('credentials.json');
	let n8n: TestN8n | undefined;
	let editor: Editor | undefined;
	try {
		n8n = await startN8n({ workflows: all.map((example) => example.workflow), credentials });
		editor = await openEditor(n8n);
		const { page } = editor;

		for (const { file, workflow } of all) {
			await editor.openWorkflow(workflow.id);
			await save(editor, `example-${file}`);
		}

		for (const panel of PANELS) {
			const example = all.find((candidate) => candidate.file === panel.example);
			if (!example) throw new Error(`No example ${panel.example}`);
			await editor.openWorkflow(example.workflow.id);
			await editor.openNode(panel.node);
			for (const name of panel.mustShow ?? []) {
				const visible = await page.locator(`[data-test-id="ndv"] [data-test-id="parameter-input-${name}"]`).first().isVisible();
				if (!visible) throw new Error(`${panel.node}: n8n's editor does not show the parameter "${name}"`);
			}
			if (panel.showUrls) await page.locator('[data-test-id="ndv"]').getByText('Webhook URLs', { exact: true }).click();
			if (panel.scrollTo) {
				await page
					.locator(`[data-test-id="parameter-input-${panel.scrollTo}"], [data-test-id="fixed-collection-${panel.scrollTo}"]`)
					.first()
					.evaluate((input) => (input.closest('[data-test-id="parameter-item"]') ?? input).scrollIntoView({ block: 'start' }));
			}
			await page.waitForTimeout(500);
			await save(editor, panel.image);
			await page.keyboard.press('Escape');
		}

		for (const dialog of CREDENTIAL_DIALOGS) {
			await page.goto(`${n8n.baseUrl}/home/credentials`, { waitUntil: 'networkidle' });
			await dismissPopups(page);
			await page.locator(`[data-test-id="resources-list-item"]:has-text("${dialog.name}")`).first().click();
			await page.waitForSelector('[data-test-id="editCredential-modal"]', { timeout: 30_000 });
			await page.waitForTimeout(800);
			await save(editor, dialog.image);
			await page.keyboard.press('Escape');
		}
	} finally {
		await editor?.close();
		await n8n?.stop();
	}
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
