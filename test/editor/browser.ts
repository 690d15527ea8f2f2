/**
 * n8n's editor in a real browser: Debian's Chromium driven by playwright-core, logged in as the
 * owner of a TestN8n. Shared by the editor suite (`npm run test:editor`) and the README screenshots.
 *
 *   const editor = await openEditor(n8n);
 *   await editor.openWorkflow(id);
 *   await editor.openNode('My Node');
 *   await editor.close();
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import type { TestN8n } from '../n8n/harness';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1400, height: 800 };
/** Where the editor suite leaves its screenshots, to look at after a run (git-ignored). */
export const SCREENSHOT_DIR = process.env.CRM_WEBHOOKS_EDITOR_SHOTS ?? path.join(os.tmpdir(), 'crm-webhooks-editor-shots');

/** No network beyond loopback, no profile left behind. */
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

export interface Editor {
	page: Page;
	openWorkflow(workflowId: string): Promise<void>;
	/** Opens a node's panel (NDV) on the open workflow by double-clicking it on the canvas. */
	openNode(nodeName: string): Promise<void>;
	closePanel(): Promise<void>;
	screenshot(file: string): Promise<void>;
	close(): Promise<void>;
}

/** Closes the popups n8n shows on a first visit, so they do not cover the canvas. */
export async function dismissPopups(page: Page): Promise<void> {
	for (const label of ['Production Checklist', 'Got it', 'Dismiss']) {
		const close = page.locator(`[role="dialog"]:has-text("${label}") button[aria-label="Close"], button:has-text("${label}")`);
		if (
			await close
				.first()
				.isVisible()
				.catch(() => false)
		)
			await close
				.first()
				.click()
				.catch(() => undefined);
	}
	await page.keyboard.press('Escape');
}

/** Launches Chromium with a fresh profile and opens n8n's editor as the owner. */
export async function openEditor(n8n: TestN8n): Promise<Editor> {
	if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-chromium-'));
	const context: BrowserContext = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS,
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		colorScheme: 'light',
	});
	const [name, value] = n8n.ownerCookie.split('=');
	await context.addCookies([{ name, value, url: n8n.baseUrl }]);
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30_000);

	return {
		page,
		async openWorkflow(workflowId) {
			await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`, { waitUntil: 'networkidle' });
			await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
			await page.waitForTimeout(1000);
			await dismissPopups(page);
			await page.waitForTimeout(300);
		},
		async openNode(nodeName) {
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
			await page.waitForSelector('[data-test-id="ndv"]', { timeout: 30_000 });
			await page.waitForTimeout(800);
		},
		async closePanel() {
			await page.keyboard.press('Escape');
			await page.waitForTimeout(300);
		},
		async screenshot(file) {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			await page.screenshot({ path: file });
		},
		async close() {
			await context.close().catch(() => undefined);
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}
