import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

import type { TestN8n } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';
import type { Receiver } from '../integration/outbound/receiver';
import { startReceiver } from '../integration/outbound/receiver';

/**
 * The Outbound Webhook node in a real n8n: signed JSON and XML reach a receiver that verifies the
 * signatures, and a Retry Later → Wait → retry loop completes inside n8n with short waits.
 */
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const HMAC_SECRET = 'e2e-outbound-hmac-secret';

const credentials = [
	{ id: 'outboundSw000001', name: 'Outbound SW', type: 'webhookSigningSecretApi', data: { scheme: 'standardWebhooks', secret: SW_SECRET } },
	{ id: 'outboundHmac0001', name: 'Outbound HMAC', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: HMAC_SECRET } },
];

const trigger = (path: string) =>
	coreNode('webhook', { name: 'Webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, options: {} } });

const outbound = (name: string, credentialId: string | undefined, parameters: Record<string, unknown>) =>
	pkgNode('outboundWebhook', {
		name,
		parameters: { method: 'POST', ...(credentialId ? { signRequests: true } : {}), ...parameters },
		...(credentialId ? { credentials: { webhookSigningSecretApi: { id: credentialId, name: 'signing' } } } : {}),
	});

// The e2e project's testTimeout does not reach hooks here; starting n8n takes longer than jest's 5 s default.
jest.setTimeout(300_000);

let receiver: Receiver;
let n8n: TestN8n;
/** What the receiver concluded about each request, in arrival order. */
const verdicts: Array<{ path: string; verified: boolean; body: string; key?: string }> = [];
let flakyAnswers: number[] = [];

function signedWorkflow() {
	return workflow(
		'outboundSigned',
		[
			trigger('outbound-signed'),
			outbound('Send JSON', 'outboundSw000001', {
				url: receiver.url('/json'),
				content: 'template',
				template: '{"email": "{{body.contact.email}}", "name": "{{body.contact.name}}", "amount": {{body.deal.amount}}}',
			}),
			outbound('Send XML', 'outboundHmac0001', {
				url: receiver.url('/xml'),
				encoding: 'xml',
				xmlRootElement: 'contact',
				content: 'fields',
				fields: {
					values: [
						{ name: 'email', value: '={{ $json.body.contact.email }}' },
						{ name: 'name', value: '={{ $json.body.contact.name }}' },
						{ name: 'deal.amount', value: '={{ $json.body.deal.amount }}' },
					],
				},
			}),
		],
		[
			['Webhook', 'Send JSON'],
			['Send JSON', 'Send XML'],
		],
	);
}

function retryWorkflow() {
	return workflow(
		'outboundRetry',
		[
			trigger('outbound-retry'),
			outbound('Deliver', undefined, {
				url: receiver.url('/flaky'),
				content: 'template',
				template: '{"id": "{{body.id}}"}',
				retry: { backoff: 'schedule', schedule: '2s,2s,2s', retryLaterThreshold: 1 },
			}),
			coreNode('wait', {
				name: 'Wait',
				typeVersion: 1.1,
				webhookId: randomUUID(),
				parameters: { resume: 'specificTime', dateTime: '={{ $json.delivery.nextAttemptAt }}' },
			}),
		],
		[
			['Webhook', 'Deliver'],
			['Deliver', 'Wait', 1],
			['Wait', 'Deliver'],
		],
	);
}

beforeAll(async () => {
	receiver = await startReceiver();
	receiver.script((request, res) => {
		const body = request.body.toString();
		const key = request.headers['idempotency-key'] as string | undefined;
		if (request.url === '/flaky') {
			verdicts.push({ path: request.url, verified: true, body, key });
			return void res.writeHead(flakyAnswers.shift() ?? 200).end();
		}
		let verified = false;
		if (request.url === '/json') {
			verified = (() => {
				try {
					new Webhook(SW_SECRET).verify(body, request.headers as Record<string, string>);
					return true;
				} catch {
					return false;
				}
			})();
		} else if (request.url === '/xml') {
			verified = request.headers['x-webhook-signature'] === createHmac('sha256', HMAC_SECRET).update(request.body).digest('hex');
		}
		verdicts.push({ path: request.url, verified, body, key });
		res.writeHead(verified ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ verified }));
	});
	n8n = await startN8n({ workflows: [signedWorkflow(), retryWorkflow()], credentials });
});

afterAll(async () => {
	await n8n?.stop();
	await receiver?.close();
});

const post = (path: string, body: unknown) =>
	fetch(n8n.webhookUrl(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Outbound Webhook in real n8n', () => {
	it('delivers signed JSON and XML that the receiver verifies, with CRM data escaped', async () => {
		const name = `O'Brien <admin> & "Co"`;
		expect((await post('outbound-signed', { contact: { email: 'ada@example.com', name }, deal: { amount: 1200 } })).status).toBe(200);
		const [execution] = await n8n.waitForExecutions(signedWorkflow().id, 1);
		expect(execution.status).toBe('success');

		expect(verdicts.map(({ path, verified }) => [path, verified])).toEqual([
			['/json', true],
			['/xml', true],
		]);
		expect(JSON.parse(verdicts[0].body)).toEqual({ email: 'ada@example.com', name, amount: 1200 });
		expect(verdicts[1].body).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><contact><email>ada@example.com</email><name>O\'Brien &lt;admin&gt; &amp; "Co"</name><deal><amount>1200</amount></deal></contact>',
		);

		const [delivered] = await n8n.outputItems(execution.id, 'Send XML', 0);
		expect(delivered).toMatchObject({
			delivery: { status: 'delivered', attemptCount: 1, finalStatusCode: 200 },
			response: { body: { verified: true } },
		});
	});

	it('completes the Retry Later → Wait → retry loop with one idempotency key', async () => {
		verdicts.length = 0;
		flakyAnswers = [503, 503, 200];
		expect((await post('outbound-retry', { id: 'evt_42' })).status).toBe(200);
		const [execution] = await n8n.waitForExecutions(retryWorkflow().id, 1, 60_000);
		expect(execution.status).toBe('success');

		expect(verdicts.map((verdict) => verdict.body)).toEqual(['{"id": "evt_42"}', '{"id": "evt_42"}', '{"id": "evt_42"}']);
		expect(new Set(verdicts.map((verdict) => verdict.key)).size).toBe(1);

		const { nodes } = await n8n.executionData(execution.id);
		const runs = nodes.Deliver;
		expect(runs.map((run) => run.outputs.map((items) => items.length))).toEqual([
			[0, 1, 0],
			[0, 1, 0],
			[1, 0, 0],
		]);
		expect(runs[2].outputs[0][0]).toMatchObject({
			body: { id: 'evt_42' },
			delivery: {
				status: 'delivered',
				attemptCount: 3,
				idempotencyKey: verdicts[0].key,
				attempts: [{ statusCode: 503 }, { statusCode: 503 }, { statusCode: 200 }],
			},
		});
	});
});
