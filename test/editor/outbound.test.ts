/**
 * The Outbound Webhook node as a person sees it in n8n's editor (real n8n, real Chromium): a failed
 * delivery looks failed, a delivered one says what happened, and "Execute workflow" against a dead
 * port answers after one attempt instead of spinning through the retry policy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { TestN8n } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';
import type { Editor } from './browser';
import { openEditor, SCREENSHOT_DIR } from './browser';

jest.setTimeout(300_000);

let n8n: TestN8n;
let editor: Editor;
let receiver: http.Server;
let receiverUrl: string;
/** A loopback port with nothing listening: a server opened and closed again. */
let deadUrl: string;
const received: string[] = [];

const sender = (id: string, url: string, wired: Array<[string, number]> = []) =>
	workflow(
		id,
		[
			coreNode('manualTrigger', { name: 'Start' }),
			pkgNode('outboundWebhook', { name: 'Deliver', parameters: { method: 'POST', url } }),
			...wired.map(([name]) => coreNode('noOp', { name })),
		],
		[['Start', 'Deliver'], ...wired.map(([name, output]): [string, string, number] => ['Deliver', name, output])],
	);

const workflows = () => ({
	rejected: sender('editorRejected', `${receiverUrl}/reject`),
	rejectedWired: sender('editorRejectedWired', `${receiverUrl}/reject`, [['Handle Failure', 2]]),
	delivered: sender('editorDelivered', `${receiverUrl}/ok`),
	dead: sender('editorDeadPort', deadUrl),
	noScheme: sender('editorNoScheme', '127.0.0.1/no-scheme', [['Handle Failure', 2]]),
	schedule: workflow(
		'editorRetrySchedule',
		[
			coreNode('manualTrigger', { name: 'Start' }),
			pkgNode('outboundWebhook', {
				name: 'Deliver',
				parameters: { method: 'POST', url: `${receiverUrl}/ok`, retry: { backoff: 'schedule', schedule: '1m,5m' } },
			}),
		],
		[['Start', 'Deliver']],
	),
});
let flows: ReturnType<typeof workflows>;

async function listen(server: http.Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
	receiver = http.createServer((request, response) => {
		received.push(request.url ?? '');
		request.resume();
		response.writeHead(request.url === '/reject' ? 400 : 200, { 'content-type': 'application/json' }).end('{"ok":true}');
	});
	receiverUrl = await listen(receiver);
	const closed = http.createServer();
	deadUrl = `${await listen(closed)}/hook`;
	await new Promise((resolve) => closed.close(resolve));
	flows = workflows();
	n8n = await startN8n({ workflows: Object.values(flows) });
	editor = await openEditor(n8n);
});

afterAll(async () => {
	await editor?.close();
	await n8n?.stop();
	await new Promise((resolve) => receiver?.close(resolve));
});

/** Clicks "Execute workflow" and waits until the Deliver node shows a result on the canvas. */
async function execute(workflowId: string): Promise<void> {
	await editor.openWorkflow(workflowId);
	await editor.page.locator('[data-test-id="execute-workflow-button"]').first().click();
	await editor.page
		.locator('[data-test-id="canvas-node"][data-node-name="Deliver"] [data-test-id^="canvas-node-status-mark-"]')
		.first()
		.waitFor({ timeout: 60_000 });
}

const deliverStatus = () =>
	editor.page
		.locator('[data-test-id="canvas-node"][data-node-name="Deliver"] [data-test-id^="canvas-node-status-mark-"]')
		.first()
		.getAttribute('data-test-id');

const newestExecution = async (workflowId: string) => (await n8n.waitForExecutions(workflowId, 1))[0];

describe('The Outbound Webhook node in the editor', () => {
	it('shows a rejected delivery with nothing on the Failed output as the node’s error, naming the item and the reason', async () => {
		await execute(flows.rejected.id);
		expect(await deliverStatus()).toBe('canvas-node-status-mark-error');
		await editor.openNode('Deliver');
		const message = editor.page.locator('[data-test-id="ndv"] [data-test-id="node-error-message"]');
		await expect(message.textContent()).resolves.toMatch(/^Item 0 could not be delivered: 400 Bad request/);
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'outbound-failed-delivery.png'));
		await editor.closePanel();
		expect((await newestExecution(flows.rejected.id)).status).toBe('error');
	});

	it('routes the same failure to a connected Failed branch and counts it in the output panel', async () => {
		await execute(flows.rejectedWired.id);
		expect(await deliverStatus()).toBe('canvas-node-status-mark-success');
		await editor.openNode('Deliver');
		await expect(
			editor.page.locator('[data-test-id="ndv"]').getByText('0 delivered, 0 waiting in Retry Later, 1 failed').first().isVisible(),
		).resolves.toBe(true);
		await editor.closePanel();
	});

	it('says how many items were delivered after a successful run', async () => {
		await execute(flows.delivered.id);
		expect(await deliverStatus()).toBe('canvas-node-status-mark-success');
		await editor.openNode('Deliver');
		await expect(
			editor.page.locator('[data-test-id="ndv"]').getByText('1 delivered, 0 waiting in Retry Later, 0 failed').first().isVisible(),
		).resolves.toBe(true);
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'outbound-delivered.png'));
		// The Docs link lands on the node's section: no tracking query after the #.
		const docs = await editor.page.locator('[data-test-id="ndv"] a', { hasText: 'Docs' }).first().getAttribute('href');
		expect(docs).toBe('https://www.npmjs.com/package/n8n-nodes-crm-webhooks#outbound-webhook');
		// Above the empty Retry Policy ("No properties"), what it does by default.
		const retryHint = editor.page
			.locator('[data-test-id="ndv"]')
			.getByText('Retry Policy defaults: 5 attempts, jittered exponential backoff (up to 1 s, 2 s, 4 s…)')
			.first();
		await retryHint.scrollIntoViewIfNeeded();
		await expect(retryHint.isVisible()).resolves.toBe(true);
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'outbound-retry-policy.png'));
		await editor.closePanel();
	});

	it('fails a URL without a scheme as a configuration error even with a Failed branch', async () => {
		await execute(flows.noScheme.id);
		expect(await deliverStatus()).toBe('canvas-node-status-mark-error');
		await editor.openNode('Deliver');
		await expect(editor.page.locator('[data-test-id="ndv"] [data-test-id="node-error-message"]').textContent()).resolves.toContain(
			'has no scheme',
		);
		await editor.closePanel();
	});

	it('makes one attempt against a dead port in a manual run and says what a published run would do', async () => {
		await execute(flows.dead.id);
		expect(await deliverStatus()).toBe('canvas-node-status-mark-error');
		await editor.openNode('Deliver');
		const ndv = editor.page.locator('[data-test-id="ndv"]');
		await expect(ndv.locator('[data-test-id="node-error-message"]').textContent()).resolves.toMatch(
			/connection was refused.*after 1 attempt/,
		);
		await expect(ndv.locator('[data-test-id="node-error-description"]').textContent()).resolves.toContain('published runs make up to 5');
		await editor.closePanel();
	});

	it('offers the Retry Policy settings that apply to a fixed schedule, and no others', async () => {
		await editor.openWorkflow(flows.schedule.id);
		await editor.openNode('Deliver');
		const ndv = editor.page.locator('[data-test-id="ndv"]');
		const schedule = ndv.locator('input[value="1m,5m"]').first();
		await schedule.scrollIntoViewIfNeeded();
		await expect(schedule.isVisible()).resolves.toBe(true);
		// n8n renders the options each collection's "add" list offers; the Options collection offers none of these.
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'outbound-retry-schedule.png'));
		const offered = (await editor.page.locator('[data-test-id="collection-parameter-option"]').allTextContents()).map((text) =>
			text.trim(),
		);
		expect(offered).toEqual(expect.arrayContaining(['Max Delay (Seconds)', 'Retry On Statuses']));
		expect(offered).not.toContain('Base Delay (Seconds)');
		expect(offered).not.toContain('Max Attempts');
		await editor.closePanel();
	});
});
