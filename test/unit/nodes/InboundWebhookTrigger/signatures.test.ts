import { createHmac } from 'node:crypto';

import type { IHookFunctions } from 'n8n-workflow';

import { readSignature } from '../../../../nodes/InboundWebhookTrigger/config';
import { InboundWebhookTrigger } from '../../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';
import { SIGNATURE_PRESETS } from '../../../../nodes/shared/signatures/presets';
import type { WebhookServer } from '../webhookServer';
import { serveWebhook } from '../webhookServer';

/**
 * Signature presets and custom templates through the node's webhook(), in n8n-core's real webhook
 * context: the URL a template signs is n8n's webhook URL (its base here is http://127.0.0.1:5678/webhook)
 * with the query as sent.
 */
const trigger = new InboundWebhookTrigger();
const servers: WebhookServer[] = [];
afterAll(async () => await Promise.all(servers.map(async (server) => await server.close())));

const SECRET = 'preset-test-secret';
async function serve(parameters: Record<string, unknown>) {
	const server = await serveWebhook(trigger, {
		parameters: { httpMethod: ['POST'], authentication: 'signingSecret', ...parameters },
		credentials: { webhookSigningSecretApi: { scheme: 'hmac', secret: SECRET, previousSecrets: 'older-secret' } },
	});
	servers.push(server);
	return server;
}

async function post(server: WebhookServer, body: string, headers: Record<string, string>, query = '') {
	const response = await fetch(`${server.url}/${query}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	const text = await response.text();
	const items = response.status === 200 ? server.results[server.results.length - 1]?.workflowData?.[0] : undefined;
	return { status: response.status, error: text.startsWith('{') ? (JSON.parse(text) as { error?: string }).error : undefined, items };
}

const hmac = (algorithm: string, content: string, encoding: 'hex' | 'base64', key = SECRET) =>
	createHmac(algorithm, key).update(content).digest(encoding);

describe('Inbound Webhook Trigger: signature presets', () => {
	it('GitHub: accepts the hex HMAC-SHA256 of the body, hides the header in the output, and refuses a forgery', async () => {
		const server = await serve({ path: 'github', signaturePreset: 'github' });
		const body = '{"action":"opened","number":1}';
		const accepted = await post(server, body, { 'x-hub-signature-256': `sha256=${hmac('sha256', body, 'hex')}` });
		expect(accepted.status).toBe(200);
		expect(accepted.items?.[0].json).toMatchObject({ headers: { 'x-hub-signature-256': '[redacted]' }, meta: { verifiedBy: 'github' } });
		const forged = await post(server, body, { 'x-hub-signature-256': `sha256=${hmac('sha256', `${body} `, 'hex')}` });
		expect(forged).toMatchObject({ status: 401, error: 'unauthorized' });
		// The credential's own scheme (X-Webhook-Signature) no longer applies.
		expect((await post(server, body, { 'x-webhook-signature': hmac('sha256', body, 'hex') })).status).toBe(401);
	});

	it('Slack: accepts a fresh timestamp and answers a stale one as a replay', async () => {
		const server = await serve({ path: 'slack', signaturePreset: 'slack' });
		const body = 'command=%2Fdeploy&text=now';
		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		const signed = (timestamp: number) => ({
			...form,
			'x-slack-request-timestamp': String(timestamp),
			'x-slack-signature': `v0=${hmac('sha256', `v0:${timestamp}:${body}`, 'hex')}`,
		});
		const now = Math.floor(Date.now() / 1000);
		expect((await post(server, body, signed(now))).items?.[0].json).toMatchObject({ body: { command: '/deploy', text: 'now' } });
		expect(await post(server, body, signed(now - 301))).toMatchObject({ status: 401, error: 'replayed' });
	});

	it('Twilio: signs n8n’s webhook URL with the query as sent, then the sorted form parameters, with a previous secret too', async () => {
		const server = await serve({ path: 'twilio-sms', signaturePreset: 'twilio' });
		const body = 'To=%2B18005551212&From=%2B14158675310&Body=Hello';
		// n8n's URL for this node: without a webhookId (real nodes have one), n8n puts the workflow and node in the path.
		const url = 'http://127.0.0.1:5678/webhook/workflow-1/trigger/twilio-sms?account=main';
		const signature = hmac('sha1', `${url}BodyHelloFrom+14158675310To+18005551212`, 'base64', 'older-secret');
		const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature };
		expect((await post(server, body, headers, '?account=main')).status).toBe(200);
		expect((await post(server, body, headers, '?account=other')).status).toBe(401);
	});

	it('Custom Template: verifies what its fields describe', async () => {
		const server = await serve({
			path: 'custom',
			signaturePreset: 'custom',
			templateHeader: 'X-Sig',
			templateParts: { part: [{ type: 'method' }, { type: 'header', headerName: 'X-Shop' }, { type: 'body' }] },
			templateSeparator: '.',
			templateAlgorithm: 'sha512',
			templateEncoding: 'base64',
			templatePrefix: 'v2=',
		});
		const body = '{"order":7}';
		const signature = `v2=${hmac('sha512', `POST.shop-1.${body}`, 'base64')}`;
		expect((await post(server, body, { 'x-shop': 'shop-1', 'x-sig': signature })).items?.[0].json).toMatchObject({
			meta: { verifiedBy: 'template-hmac-sha512' },
		});
		expect((await post(server, body, { 'x-shop': 'shop-2', 'x-sig': signature })).status).toBe(401);
	});
});

describe('Inbound Webhook Trigger: reading the signature settings', () => {
	const source = (parameters: Record<string, unknown>) => ({
		getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
	});

	it('keeps the credential’s scheme by default and for other authentication, and takes a preset as published', () => {
		expect(readSignature(source({ authentication: 'signingSecret' }))).toBeUndefined();
		expect(readSignature(source({ authentication: 'bearerToken', signaturePreset: 'github' }))).toBeUndefined();
		expect(readSignature(source({ authentication: 'signingSecret', signaturePreset: 'stripe' }))).toBe(SIGNATURE_PRESETS.stripe);
	});

	it('refuses to publish a custom template with a bad header name', async () => {
		const parameters: Record<string, unknown> = {
			authentication: 'signingSecret',
			signaturePreset: 'custom',
			templateHeader: 'X Sig',
			templateParts: { part: [{ type: 'body' }] },
		};
		const context = {
			...source(parameters),
			getNode: () => ({ name: 'Inbound' }),
			getActivationMode: () => 'activate',
			getCredentials: async () => ({ scheme: 'hmac', secret: SECRET }),
		} as unknown as IHookFunctions;
		await expect(trigger.webhookMethods.default.create.call(context)).rejects.toThrow(
			'Signature Header "X Sig" is not a valid header name',
		);
	});
});
