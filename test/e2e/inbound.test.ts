import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { TestN8n } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';
import { signStandardWebhook } from '../../nodes/shared/signatures/standardWebhooks';

/**
 * The Inbound Webhook Trigger in a real n8n: signed requests start exactly one execution, and
 * forged, replayed, duplicate and malformed ones get their status and start none. Executions are
 * counted through n8n's own REST API.
 */
const HMAC_SECRET = 'e2e-inbound-hmac-secret';
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PRESET_SECRET = 'e2e-inbound-preset-secret';

const credentials = [
	{ id: 'inboundHmac00001', name: 'Inbound HMAC', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: HMAC_SECRET } },
	{ id: 'inboundSw0000001', name: 'Inbound SW', type: 'webhookSigningSecretApi', data: { scheme: 'standardWebhooks', secret: SW_SECRET } },
	{ id: 'inboundPreset001', name: 'Inbound presets', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: PRESET_SECRET } },
];

const trigger = (name: string, credentialId: string, parameters: Record<string, unknown>) =>
	pkgNode('inboundWebhookTrigger', {
		name,
		webhookId: `${parameters.path as string}-id`,
		parameters: { httpMethod: ['POST'], authentication: 'signingSecret', ...parameters },
		credentials: { webhookSigningSecretApi: { id: credentialId, name: 'credential' } },
	});

const hmacWorkflow = workflow(
	'inboundHmac',
	[
		trigger('Inbound', 'inboundHmac00001', {
			path: 'inbound-hmac',
			deduplicate: true,
			eventIdPath: '$.id',
			duplicateResponse: 'reject',
			fieldMapping: { field: [{ name: 'email', path: '$.body.contact.email' }] },
			settings: { maxBodySizeKb: 8 },
		}),
		coreNode('noOp', { name: 'Done' }),
	],
	[['Inbound', 'Done']],
);

const standardWorkflow = workflow(
	'inboundStandard',
	[trigger('Inbound', 'inboundSw0000001', { path: 'inbound-sw', deduplicate: true, eventIdSource: 'header', eventIdHeader: 'webhook-id' })],
	[],
);

/** A trigger whose Signature Preset replaces the credential's scheme; the credential gives the secret. */
const presetWorkflow = (id: string, preset: string) =>
	workflow(id, [trigger('Inbound', 'inboundPreset001', { path: `inbound-${preset}`, signaturePreset: preset })], []);
const githubWorkflow = presetWorkflow('inboundGithub', 'github');
const slackWorkflow = presetWorkflow('inboundSlack', 'slack');
const twilioWorkflow = presetWorkflow('inboundTwilio', 'twilio');

const lastNodeWorkflow = workflow(
	'inboundLastNode',
	[
		pkgNode('inboundWebhookTrigger', {
			name: 'Inbound',
			webhookId: 'inbound-last-id',
			parameters: { httpMethod: ['POST', 'PUT'], path: 'inbound-last', responseMode: 'lastNode' },
		}),
		coreNode('noOp', { name: 'Done' }),
	],
	[['Inbound', 'Done']],
);

/** n8n fails to store this workflow's executions while the marker file exists (fixtures/storeFailureHooks.js). */
const storeFailureWorkflow = workflow(
	'inboundStoreFailure',
	[
		// An expression as Response Code: n8n has released its expression isolate by the time it answers.
		trigger('Inbound', 'inboundHmac00001', {
			path: 'inbound-store-failure',
			deduplicate: true,
			eventIdPath: '$.id',
			duplicateResponse: 'reject',
			responseCode: '={{ 200 }}',
		}),
	],
	[],
);
const storeFailureMarker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-store-failure-')), 'failing');

const sign = (body: Buffer | string) => createHmac('sha256', HMAC_SECRET).update(body).digest('hex');

jest.setTimeout(120_000);

let n8n: TestN8n;

beforeAll(async () => {
	n8n = await startN8n({
		workflows: [hmacWorkflow, standardWorkflow, lastNodeWorkflow, githubWorkflow, slackWorkflow, twilioWorkflow, storeFailureWorkflow],
		credentials,
		env: {
			EXTERNAL_HOOK_FILES: path.join(__dirname, 'fixtures', 'storeFailureHooks.js'),
			CRM_WEBHOOKS_STORE_FAILURE_MARKER: storeFailureMarker,
		},
	});
}, 600_000);

afterAll(async () => {
	await n8n?.stop();
});

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
	const response = await fetch(n8n.webhookUrl(path), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
	return { status: response.status, text: await response.text() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('Inbound Webhook Trigger in real n8n', () => {
	it('gives an event id back when n8n cannot store the execution, so the sender’s retry starts the workflow', async () => {
		const body = JSON.stringify({ id: 'evt-store-failure' });
		const headers = { 'x-webhook-signature': sign(body) };
		fs.writeFileSync(storeFailureMarker, '');
		const failed = await post('inbound-store-failure', body, headers);
		fs.rmSync(storeFailureMarker);
		expect(failed.status).toBe(500);
		const retry = await post('inbound-store-failure', body, headers);
		expect(retry.status).toBe(200);
		expect(await n8n.waitForExecutions(storeFailureWorkflow.id, 1)).toHaveLength(1);
		expect((await post('inbound-store-failure', body, headers)).status).toBe(409);
	});

	it('starts exactly one execution for a signed request, with the expected output', async () => {
		const body = '{ "id": "evt_1", "contact": { "email": "ada@example.com" } }';
		const response = await post('inbound-hmac', body, { 'x-webhook-signature': sign(body), 'x-request-source': 'crm' });
		expect(response).toEqual({ status: 200, text: '{"received":true}' });

		const [execution] = await n8n.waitForExecutions(hmacWorkflow.id, 1);
		expect(execution.status).toBe('success');
		const [item] = await n8n.outputItems(execution.id, 'Inbound');
		expect(item).toMatchObject({
			body: { id: 'evt_1', contact: { email: 'ada@example.com' } },
			fields: { email: 'ada@example.com' },
			headers: { 'x-webhook-signature': '[redacted]', 'x-request-source': 'crm' },
			meta: { verifiedBy: 'hmac-sha256', eventId: 'evt_1', clientIp: '127.0.0.1' },
		});
	});

	it('answers forged, garbage, duplicate, malformed and oversized requests and starts nothing', async () => {
		const body = '{"id":"evt_2"}';
		expect((await post('inbound-hmac', body, { 'x-webhook-signature': sign('{"id":"evt_3"}') })).status).toBe(401);
		expect((await post('inbound-hmac', body)).status).toBe(401);
		expect((await post('inbound-hmac', body, { 'x-webhook-signature': 'garbage!' })).status).toBe(401);
		// The duplicate of evt_1, correctly signed.
		const first = '{ "id": "evt_1", "contact": { "email": "ada@example.com" } }';
		expect(await post('inbound-hmac', first, { 'x-webhook-signature': sign(first) })).toMatchObject({ status: 409 });
		// Malformed JSON, correctly signed: the node's 400, not n8n's own 422 (parsing is taken over).
		const malformed = '{"id": "evt_4",';
		const answer = await post('inbound-hmac', malformed, { 'x-webhook-signature': sign(malformed) });
		expect(answer.status).toBe(400);
		expect(JSON.parse(answer.text)).toMatchObject({ error: 'malformed_body' });
		// Unsigned malformed JSON is refused before it is parsed.
		expect((await post('inbound-hmac', malformed)).status).toBe(401);
		const huge = JSON.stringify({ id: 'evt_5', pad: 'x'.repeat(20_000) });
		expect((await post('inbound-hmac', huge, { 'x-webhook-signature': sign(huge) })).status).toBe(413);
		const laughs = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><l>&a;</l>';
		const xml = await post('inbound-hmac', laughs, { 'content-type': 'application/xml', 'x-webhook-signature': sign(laughs) });
		expect(xml.status).toBe(400);

		await settle();
		expect(await n8n.executions(hmacWorkflow.id)).toHaveLength(1);
		const health = await fetch(`${n8n.baseUrl}/healthz`);
		expect(health.status).toBe(200);
	});

	it('verifies the exact bytes of a gzip body that n8n did not touch', async () => {
		const body = '{"id":"evt_gzip","contact":{"email":"zip@example.com"}}';
		const response = await post('inbound-hmac', gzipSync(body), { 'content-encoding': 'gzip', 'x-webhook-signature': sign(body) });
		expect(response.status).toBe(200);
		const executions = await n8n.waitForExecutions(hmacWorkflow.id, 2);
		expect(await n8n.outputItems(executions[0].id, 'Inbound')).toEqual([expect.objectContaining({ fields: { email: 'zip@example.com' } })]);
	});

	it('logs each rejection with its reason, never the secret or the body', () => {
		const log = n8n.output();
		expect(log).toMatch(/rejected with 401 \(unauthorized\)/);
		expect(log).toMatch(/rejected with 409 \(duplicate\)/);
		expect(log).not.toContain(HMAC_SECRET);
		expect(log).not.toContain('ada@example.com');
	});

	it('accepts Standard Webhooks, refuses a replayed timestamp and a redelivered message id', async () => {
		const now = Math.floor(Date.now() / 1000);
		const body = Buffer.from('{"type":"contact.created","data":{"id":"c_1"}}');
		const fresh = signStandardWebhook(SW_SECRET, body, now, 'msg_e2e_1');
		expect((await post('inbound-sw', body, fresh)).status).toBe(200);
		const stale = signStandardWebhook(SW_SECRET, body, now - 600, 'msg_e2e_2');
		const replayed = await post('inbound-sw', body, stale);
		expect(replayed.status).toBe(401);
		expect(JSON.parse(replayed.text)).toMatchObject({ error: 'replayed' });
		// Redelivery of the same message: acknowledged (the default) so the sender stops, and not run again.
		expect(await post('inbound-sw', body, fresh)).toEqual({ status: 200, text: '{"received":true,"duplicate":true}' });

		const [execution] = await n8n.waitForExecutions(standardWorkflow.id, 1);
		expect(await n8n.outputItems(execution.id, 'Inbound')).toEqual([
			expect.objectContaining({ meta: expect.objectContaining({ verifiedBy: 'standard-webhooks', eventId: 'msg_e2e_1' }) }),
		]);
		await settle();
		expect(await n8n.executions(standardWorkflow.id)).toHaveLength(1);
	});

	it('verifies the GitHub and Slack presets: a signed delivery runs once; a forgery and a stale Slack timestamp start nothing', async () => {
		const body = '{"action":"opened","pull_request":{"number":7}}';
		const github = (signed: string) => ({
			'x-hub-signature-256': `sha256=${createHmac('sha256', PRESET_SECRET).update(signed).digest('hex')}`,
		});
		expect(await post('inbound-github', body, github(body))).toEqual({ status: 200, text: '{"received":true}' });
		const forged = await post('inbound-github', body, github('{"action":"closed"}'));
		expect(forged.status).toBe(401);
		expect(JSON.parse(forged.text)).toMatchObject({ error: 'unauthorized' });

		const slack = (timestamp: number) => ({
			'content-type': 'application/x-www-form-urlencoded',
			'x-slack-request-timestamp': String(timestamp),
			'x-slack-signature': `v0=${createHmac('sha256', PRESET_SECRET).update(`v0:${timestamp}:command=%2Fdeploy`).digest('hex')}`,
		});
		const stale = await post('inbound-slack', 'command=%2Fdeploy', slack(Math.floor(Date.now() / 1000) - 600));
		expect(stale.status).toBe(401);
		expect(JSON.parse(stale.text)).toMatchObject({ error: 'replayed' });
		expect((await post('inbound-slack', 'command=%2Fdeploy', slack(Math.floor(Date.now() / 1000)))).status).toBe(200);

		const [execution] = await n8n.waitForExecutions(githubWorkflow.id, 1);
		expect(await n8n.outputItems(execution.id, 'Inbound')).toEqual([
			expect.objectContaining({
				body: { action: 'opened', pull_request: { number: 7 } },
				headers: expect.objectContaining({ 'x-hub-signature-256': '[redacted]' }),
				meta: expect.objectContaining({ verifiedBy: 'github' }),
			}),
		]);
		await settle();
		expect(await n8n.executions(githubWorkflow.id)).toHaveLength(1);
		expect(await n8n.executions(slackWorkflow.id)).toHaveLength(1);
	});

	it('verifies the Twilio preset over the URL n8n gives the webhook, with the query as sent', async () => {
		const body = 'To=%2B18005551212&From=%2B14158675310&Body=Hello';
		const url = `${n8n.webhookUrl('inbound-twilio')}?account=main`;
		const signature = createHmac('sha1', PRESET_SECRET).update(`${url}BodyHelloFrom+14158675310To+18005551212`).digest('base64');
		const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature };
		const send = async (target: string) => (await fetch(target, { method: 'POST', body, headers })).status;
		expect(await send(url)).toBe(200);
		expect(await send(`${n8n.webhookUrl('inbound-twilio')}?account=other`)).toBe(401);
		await n8n.waitForExecutions(twilioWorkflow.id, 1);
		await settle();
		expect(await n8n.executions(twilioWorkflow.id)).toHaveLength(1);
	});

	it('answers with the last node’s output when told to, on every selected method', async () => {
		for (const method of ['POST', 'PUT']) {
			const response = await fetch(n8n.webhookUrl('inbound-last'), {
				method,
				body: '<order><id>7</id></order>',
				headers: { 'content-type': 'application/xml' },
			});
			expect(response.status).toBe(200);
			expect(await response.json()).toMatchObject({ body: { order: { id: '7' } }, meta: { verifiedBy: 'none' } });
		}
		expect(
			(await fetch(n8n.webhookUrl('inbound-last'), { method: 'POST', body: 'x', headers: { 'content-type': 'application/x-thing' } }))
				.status,
		).toBe(415);
		await settle();
		expect(await n8n.executions(lastNodeWorkflow.id)).toHaveLength(2);
	});
});

describe('Inbound Webhook Trigger deduplication across an n8n restart', () => {
	const restartWorkflow = workflow(
		'inboundRestart',
		[trigger('Inbound', 'inboundHmac00001', { path: 'inbound-restart', deduplicate: true, duplicateResponse: 'reject' })],
		[],
	);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-inbound-restart-'));
	let instance: TestN8n | undefined;

	afterAll(async () => {
		await instance?.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
	});

	it('still refuses an event delivered before the restart', async () => {
		const body = '{"id":"evt_before_restart"}';
		const send = async () =>
			(
				await fetch(instance!.webhookUrl('inbound-restart'), {
					method: 'POST',
					body,
					headers: { 'content-type': 'application/json', 'x-webhook-signature': sign(body) },
				})
			).status;
		instance = await startN8n({ workflows: [restartWorkflow], credentials: [credentials[0]], userFolder });
		expect(await send()).toBe(200);
		await instance.waitForExecutions(restartWorkflow.id, 1);
		await instance.stop();

		instance = await startN8n({ userFolder });
		expect(await send()).toBe(409);
		await settle();
		expect(await instance.executions(restartWorkflow.id)).toHaveLength(1);
	});
});
