/**
 * The triggers as a person meets them in n8n's editor (real n8n, real Chromium): the listening panel
 * says where to send, a forged test request ends the test run with its reason, every CRM is one click
 * in the node panel, and a demo credential from `npm start` is not what a new node picks.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { CredentialJson, TestN8n } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';
import { EXAMPLE_CREDENTIALS_FILE, exampleCredentials } from '../n8n/exampleCredentials.js';
import type { Editor } from './browser';
import { openEditor, SCREENSHOT_DIR } from './browser';

jest.setTimeout(300_000);

const OWN_CREDENTIAL = {
	id: 'ownSalesOsSecret',
	name: 'My SalesOS Signing Secret',
	type: 'webhookSigningSecretApi',
	data: { scheme: 'hmac', secret: 'my-own-secret' },
};
const listening = workflow(
	'editorListening',
	[
		pkgNode('crmEventTrigger', {
			name: 'SalesOS Events',
			webhookId: randomUUID(),
			parameters: { path: 'editor-listening', crm: 'salesOs', authentication: 'signingSecret' },
			credentials: { webhookSigningSecretApi: { id: 'exSalesOsSecret1', name: 'Example SalesOS Signing Secret' } },
		}),
		coreNode('noOp', { name: 'After' }),
	],
	[['SalesOS Events', 'After']],
);

/** An Inbound trigger with a custom signed-content template, and one with the Slack preset. */
const presets = workflow(
	'editorPresets',
	[
		pkgNode('inboundWebhookTrigger', {
			name: 'Custom Template',
			webhookId: randomUUID(),
			parameters: { path: 'editor-custom', authentication: 'signingSecret', signaturePreset: 'custom' },
			credentials: { webhookSigningSecretApi: { id: OWN_CREDENTIAL.id, name: OWN_CREDENTIAL.name } },
		}),
		pkgNode('inboundWebhookTrigger', {
			name: 'Slack Preset',
			webhookId: randomUUID(),
			position: [0, 300],
			parameters: { path: 'editor-slack', authentication: 'signingSecret', signaturePreset: 'slack' },
			credentials: { webhookSigningSecretApi: { id: OWN_CREDENTIAL.id, name: OWN_CREDENTIAL.name } },
		}),
	],
	[],
);

/** A CRM trigger with a body handshake and deduplication turned off. */
const crmOptions = workflow(
	'editorCrmOptions',
	[
		pkgNode('crmEventTrigger', {
			name: 'Custom Events',
			webhookId: randomUUID(),
			parameters: {
				path: 'editor-options',
				crm: 'custom',
				authentication: 'none',
				settings: { handshakeSource: 'body', deduplicate: false },
			},
		}),
	],
	[],
);

let n8n: TestN8n;
let editor: Editor;

beforeAll(async () => {
	// The user's credential first: imported unstamped after it, the demo ones would be the newest and win.
	const credentials = [OWN_CREDENTIAL, ...(exampleCredentials(EXAMPLE_CREDENTIALS_FILE) as unknown as CredentialJson[])];
	n8n = await startN8n({ workflows: [listening, presets, crmOptions], credentials });
	editor = await openEditor(n8n);
});

afterAll(async () => {
	await editor?.close();
	await n8n?.stop();
});

/** Keeps the page's HTML and a picture when a step fails, to see what the editor showed. */
async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
	try {
		return await action();
	} catch (error) {
		fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
		await editor.screenshot(path.join(SCREENSHOT_DIR, `failed-${name}.png`)).catch(() => undefined);
		fs.writeFileSync(path.join(SCREENSHOT_DIR, `failed-${name}.html`), await editor.page.content().catch(() => ''));
		throw error;
	}
}

const ndv = () => editor.page.locator('[data-test-id="ndv"]');

describe('The CRM Event Trigger while it listens for a test event', () => {
	it('says where to send: the Test URL with its method, and the header to include', async () => {
		await editor.openWorkflow(listening.id);
		await editor.openNode('SalesOS Events');
		await step('trigger-panel', async () => {
			await expect(ndv().getByText('Send a test request from the CRM to the Test URL').first().isVisible()).resolves.toBe(true);
			await ndv().getByText('Webhook URLs').first().click();
			await expect(ndv().getByText(`${n8n.baseUrl}/webhook-test/editor-listening`).first().isVisible()).resolves.toBe(true);
			await expect(ndv().getByText('POST', { exact: true }).first().isVisible()).resolves.toBe(true);
		});
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'trigger-panel.png'));
	});

	it('ends the test run with the reason when a forged request arrives, while the sender gets 401', async () => {
		await step('listen', async () => {
			await ndv().locator('[data-test-id="trigger-execute-button"]').first().click();
			await ndv().locator('[data-test-id="trigger-listening"]').first().waitFor();
		});
		const body = JSON.stringify({ id: 'evt_forged', event: 'opportunity.won', data: { id: 'opp_1' } });
		const response = await fetch(`${n8n.baseUrl}/webhook-test/editor-listening`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-webhook-signature': createHmac('sha256', 'a guess').update(body).digest('hex') },
			body,
		});
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: 'unauthorized' });
		const message = ndv().locator('[data-test-id="node-error-message"]').first();
		await step('rejection-shown', async () => await message.waitFor({ timeout: 30_000 }));
		await expect(message.textContent()).resolves.toMatch(/^Test request rejected with 401: .*signature/i);
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'trigger-test-rejection.png'));
		// Nothing after the trigger ran.
		const [execution] = await n8n.waitForExecutions(listening.id, 1);
		const data = await n8n.executionData(execution.id);
		expect(data.status).toBe('error');
		expect(data.nodes.After).toBeUndefined();
		await editor.closePanel();
	});
});

describe('The Inbound Webhook Trigger signature presets', () => {
	const field = (name: string) => ndv().locator(`[data-test-id="parameter-input-${name}"]`).first();

	it('shows the template fields for a custom template, and hides them behind a preset', async () => {
		await editor.openWorkflow(presets.id);
		await editor.openNode('Custom Template');
		await step('custom-template', async () => {
			await field('templateHeader').waitFor();
			await expect(field('templateSeparator').isVisible()).resolves.toBe(true);
			await expect(field('templateKeyEncoding').isVisible()).resolves.toBe(true);
			await expect(ndv().getByText('Signed Parts').first().isVisible()).resolves.toBe(true);
		});
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'inbound-custom-template.png'));
		await editor.closePanel();
		await editor.openNode('Slack Preset');
		await step('slack-preset', async () => {
			await field('signaturePreset').waitFor();
			await expect(field('signaturePreset').locator('input').first().inputValue()).resolves.toBe('Slack');
			await expect(field('templateHeader').isVisible()).resolves.toBe(false);
			await expect(ndv().getByText('Signed Parts').first().isVisible()).resolves.toBe(false);
		});
		await editor.screenshot(path.join(SCREENSHOT_DIR, 'inbound-slack-preset.png'));
		await editor.closePanel();
	});
});

describe('The CRM Event Trigger’s Options', () => {
	it('offers the handshake answer options with a body handshake, and no dedupe options with deduplication off', async () => {
		await editor.openWorkflow(crmOptions.id);
		await editor.openNode('Custom Events');
		// n8n renders the options a collection's "add" list offers.
		const offered = (await editor.page.locator('[data-test-id="collection-parameter-option"]').allTextContents()).map((text) =>
			text.trim(),
		);
		expect(offered).toEqual(expect.arrayContaining(['Challenge Field', 'Challenge Answer As', 'Response Code']));
		for (const hidden of ['Answer Before Authentication', 'Answer Duplicates With', 'Max Remembered Events', 'Remember Events For (Hours)'])
			expect(offered).not.toContain(hidden);
		await editor.closePanel();
	});
});

describe('The node panel', () => {
	/** Opens the node panel on an empty workflow and searches. */
	async function search(text: string): Promise<void> {
		// Waits for the elements it uses rather than for the network to go quiet: the editor keeps polling.
		await editor.page.goto(`${n8n.baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
		await step('open-node-creator', async () => {
			await editor.page.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]').first().click();
			await editor.page.locator('[data-test-id="node-creator-search-bar"]').first().waitFor();
		});
		await editor.page.locator('[data-test-id="node-creator-search-bar"]').first().fill(text);
		// The list filters as one types; let it settle on the trigger (a missing one fails the assertion below).
		await editor.page
			.locator('[data-test-id="node-creator-item-name"]', { hasText: 'CRM Event' })
			.first()
			.waitFor({ timeout: 10_000 })
			.catch(() => undefined);
		await editor.page.waitForTimeout(200);
	}

	const itemNames = async () =>
		(await editor.page.locator('[data-test-id="node-creator-item-name"]').allTextContents()).map((name) => name.trim());

	it.each([
		'Vtiger',
		'HighLevel',
		'LeadSquared',
		'Freshsales',
		'SalesOS',
		'Attio',
		'Close',
		'HubSpot',
		'Salesforce',
		'Pipedrive',
		'Zoho CRM',
		'Dynamics 365',
	])('finds the trigger first when searching for %s, one click from its CRM', async (crm) => {
		await search(crm);
		const names = await step(`search-${crm}`, itemNames);
		await editor.screenshot(path.join(SCREENSHOT_DIR, `node-creator-search-${crm.replace(/\s+/g, '-')}.png`));
		// n8n's own node of the same name (HighLevel) may come first; the trigger comes before the action.
		const trigger = names.findIndex((name) => name.startsWith('CRM Event'));
		expect(trigger).toBeGreaterThanOrEqual(0);
		// Nor may the generic trigger (without the CRM's setup notice and event format), where the search lists it.
		const packageNodesBefore = names.slice(0, trigger).filter((name) => ['Outbound Webhook', 'Inbound Webhook Trigger'].includes(name));
		expect([crm, packageNodesBefore]).toEqual([crm, []]);
		await editor.page.locator('[data-test-id="node-creator-item-name"]', { hasText: 'CRM Event' }).first().click();
		const action = editor.page
			.locator('[data-test-id="node-creator-item-name"]', { hasText: `On ${crm === 'Attio' ? 'an' : 'a'} ${crm} event` })
			.first();
		await step(`action-${crm}`, async () => await action.waitFor());
		if (crm === 'Vtiger') await editor.screenshot(path.join(SCREENSHOT_DIR, 'node-creator-actions.png'));
		await action.click();
		await step(`added-${crm}`, async () => await ndv().locator('[data-test-id="parameter-input-crm"] input').first().waitFor());
		await editor.page.waitForTimeout(200);
		const selected = await ndv().locator('[data-test-id="parameter-input-crm"] input').first().inputValue();
		expect(selected).toBe(crm);
		// Every setup notice is steps on lines of their own (n8n's bullets, no number beside them), not a wall of text
		// with markup showing, and says where "this URL" is.
		await expect(ndv().locator('li').first().isVisible()).resolves.toBe(true);
		await expect(
			ndv()
				.locator('li', { hasText: /^\d+\. / })
				.count(),
		).resolves.toBe(0);
		await expect(ndv().getByText('This URL: the Production URL under Webhook URLs').first().isVisible()).resolves.toBe(true);
		expect(await ndv().innerText()).not.toMatch(/<\/?(ul|li|br)>/);
		if (crm === 'HighLevel') {
			await expect(
				ndv()
					.locator('li', { hasText: /^In your app/ })
					.first()
					.isVisible(),
			).resolves.toBe(true);
			await editor.screenshot(path.join(SCREENSHOT_DIR, 'node-added-highlevel.png'));
		}
		if (crm === 'SalesOS') {
			// n8n fills in the most recently updated credential of the type: the user's own, never a demo one.
			const credential = await ndv().locator('[data-test-id="node-credentials-select"] input').first().inputValue();
			expect(credential).toBe(OWN_CREDENTIAL.name);
			// The credential picker sits below the Authentication choice that decides which credential it asks for.
			const top = async (selector: string) => (await ndv().locator(selector).first().boundingBox())?.y ?? Number.NaN;
			const [authentication, picker] = [
				await top('[data-test-id="parameter-input-authentication"]'),
				await top('[data-test-id="node-credentials-select"]'),
			];
			expect(picker).toBeGreaterThan(authentication);
			await editor.screenshot(path.join(SCREENSHOT_DIR, 'node-added-salesos.png'));
		}
		await editor.closePanel();
	});
});
