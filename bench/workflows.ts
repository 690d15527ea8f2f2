/**
 * The workflows and credentials the benchmarks import into n8n. Each one isolates one node: a
 * Webhook (answering when the last node finishes) and a Code node that makes N items start every
 * outbound workflow, so the sender is the only difference between variants.
 */
import { randomUUID } from 'node:crypto';

import type { CredentialJson, WorkflowJson, WorkflowNode } from '../test/n8n/harness';
import { coreNode, pkgNode, workflow } from '../test/n8n/harness';

export const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const HMAC_SECRET = 'bench-hmac-secret';

export const CREDENTIALS: CredentialJson[] = [
	{
		id: 'benchSw000000001',
		name: 'Bench Standard Webhooks',
		type: 'webhookSigningSecretApi',
		data: { scheme: 'standardWebhooks', secret: SW_SECRET },
	},
	{ id: 'benchHmac0000001', name: 'Bench HMAC', type: 'webhookSigningSecretApi', data: { scheme: 'hmac', secret: HMAC_SECRET } },
];

const SIGNING = (id: string) => ({ webhookSigningSecretApi: { id, name: 'signing' } });

/** Padding that makes one generated item's JSON 1 KB (checked in outbound.ts). */
export const ITEM_PADDING = 852;

/** Code node: `count` items of about 1 KB each, ids 0…count-1, from the trigger's body. */
const ITEMS_CODE = `const count = $('Start').first().json.body.count;
const pad = 'x'.repeat(${ITEM_PADDING});
const items = new Array(count);
for (let i = 0; i < count; i++) {
  items[i] = { json: { id: i, event: 'contact.updated', contact: { email: 'user' + i + '@example.com', name: 'Contact ' + i, company: 'Acme Corp' }, deal: { amount: 1200 + i, currency: 'EUR' }, notes: pad } };
}
return items;`;

const start = (path: string) =>
	coreNode('webhook', {
		name: 'Start',
		typeVersion: 2,
		webhookId: randomUUID(),
		// Answered when the last node finishes: the HTTP response marks the end of the execution.
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData', options: {} },
	});

const makeItems = () => coreNode('code', { name: 'Items', typeVersion: 2, parameters: { jsCode: ITEMS_CODE } });

function senderWorkflow(id: string, sender: WorkflowNode): WorkflowJson {
	return workflow(
		id,
		[start(id), makeItems(), sender],
		[
			['Start', 'Items'],
			['Items', sender.name],
		],
	);
}

export interface OutboundVariant {
	concurrency?: number;
	signed?: boolean;
	capture?: boolean;
	encoding?: 'json' | 'jsonArray';
}

export function outboundWorkflow(id: string, url: string, variant: OutboundVariant = {}): WorkflowJson {
	return senderWorkflow(
		id,
		pkgNode('outboundWebhook', {
			name: 'Send',
			parameters: {
				method: 'POST',
				url,
				encoding: variant.encoding ?? 'json',
				content: 'wholeItem',
				...(variant.signed ? { signRequests: true } : {}),
				...(variant.capture
					? { captureLanguage: 'jsonPath', captureOnSuccess: { values: [{ name: 'receiptId', expression: '$.receipt.id' }] } }
					: {}),
				options: variant.concurrency ? { concurrency: variant.concurrency } : {},
			},
			...(variant.signed ? { credentials: SIGNING('benchSw000000001') } : {}),
		}),
	);
}

/** n8n's HTTP Request node sending each item's JSON, as a user would set it up; optionally with Retry On Fail. */
export function httpRequestWorkflow(id: string, url: string, retry = false): WorkflowJson {
	return senderWorkflow(
		id,
		coreNode('httpRequest', {
			name: 'Send',
			typeVersion: 4.2,
			parameters: { method: 'POST', url, sendBody: true, specifyBody: 'json', jsonBody: '={{ $json }}', options: {} },
			...(retry ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } : {}),
		}),
	);
}

/** The same workflow without a sender: what n8n itself costs to start, make the items and finish. */
export function floorWorkflow(id: string): WorkflowJson {
	return senderWorkflow(id, coreNode('noOp', { name: 'Send' }));
}

const done = () => coreNode('noOp', { name: 'Done' });

/** A trigger followed by a No-Op. */
const triggered = (id: string, trigger: WorkflowNode) => workflow(id, [trigger, done()], [[trigger.name, 'Done']]);

/** Our Inbound Webhook Trigger checking an HMAC, optionally deduplicating by $.id (in static data, or in Redis with the credential given). */
export function inboundWorkflow(id: string, path: string, dedupe = false, redisCredential?: { id: string; name: string }): WorkflowJson {
	return triggered(
		id,
		pkgNode('inboundWebhookTrigger', {
			name: 'Inbound',
			webhookId: randomUUID(),
			parameters: {
				httpMethod: ['POST'],
				path,
				authentication: 'signingSecret',
				...(dedupe ? { deduplicate: true, eventIdPath: '$.id' } : {}),
				...(redisCredential ? { dedupeStore: 'redis' } : {}),
				settings: { maxBodySizeKb: 16384 },
			},
			credentials: { ...SIGNING('benchHmac0000001'), ...(redisCredential ? { webhookDedupeRedisApi: redisCredential } : {}) },
		}),
	);
}

/** The CRM Event Trigger for SalesOS (HMAC) that lets only opportunity.won start the workflow. */
export function crmFilterWorkflow(id: string, path: string): WorkflowJson {
	return triggered(
		id,
		pkgNode('crmEventTrigger', {
			name: 'CRM',
			webhookId: randomUUID(),
			parameters: { path, crm: 'salesOs', authentication: 'signingSecret', events: ['opportunity.won'] },
			credentials: SIGNING('benchHmac0000001'),
		}),
	);
}

const webhookNode = (path: string) =>
	coreNode('webhook', { name: 'Webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, options: {} } });

/** n8n's Webhook node without any check, answering at once. */
export function webhookWorkflow(id: string, path: string): WorkflowJson {
	return triggered(id, webhookNode(path));
}

/** n8n's IF node (2.2) with one strict, case-sensitive string condition: left equals right. */
const ifEqualsNode = (name: string, leftValue: string, rightValue: string) =>
	coreNode('if', {
		name,
		typeVersion: 2.2,
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [{ id: randomUUID(), leftValue, rightValue, operator: { type: 'string', operation: 'equals' } }],
				combinator: 'and',
			},
			options: {},
		},
	});

/** n8n's usual way to drop an event: a Webhook node and an IF node that lets only opportunity.won through. */
export function webhookIfWorkflow(id: string, path: string): WorkflowJson {
	return workflow(
		id,
		[webhookNode(path), ifEqualsNode('Wanted?', '={{ $json.body.type }}', 'opportunity.won'), done()],
		[
			['Webhook', 'Wanted?'],
			['Wanted?', 'Done', 0],
		],
	);
}

/** The JSON of generated item i, exactly as the Code node builds it (for the raw clients). */
export function itemJson(i: number): string {
	return JSON.stringify({
		id: i,
		event: 'contact.updated',
		contact: { email: `user${i}@example.com`, name: `Contact ${i}`, company: 'Acme Corp' },
		deal: { amount: 1200 + i, currency: 'EUR' },
		notes: 'x'.repeat(ITEM_PADDING),
	});
}

export const BASIC_AUTH = { user: 'bench-user', password: 'bench-password' };

/** Credentials of n8n's own nodes in the hand-built chain and the rejection floor. */
export const CHAIN_CREDENTIALS: CredentialJson[] = [
	{ id: 'benchCrypto00001', name: 'Bench Crypto', type: 'crypto', data: { hmacSecret: HMAC_SECRET } },
	{ id: 'benchBasic000001', name: 'Bench Basic Auth', type: 'httpBasicAuth', data: BASIC_AUTH },
];

/**
 * What a user builds without this package: Webhook (Raw Body) → Crypto (HMAC-SHA256 of the binary
 * body) → IF (equals the signature header) → Remove Duplicates (processed in previous executions, by
 * event id) → Done. Every request becomes an execution; forged and repeated events stop inside it.
 */
export function handBuiltChainWorkflow(id: string, path: string): WorkflowJson {
	return workflow(
		id,
		[
			coreNode('webhook', {
				name: 'Webhook',
				typeVersion: 2,
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, options: { rawBody: true } },
			}),
			coreNode('crypto', {
				name: 'HMAC',
				typeVersion: 2,
				parameters: {
					action: 'hmac',
					binaryData: true,
					binaryPropertyName: 'data',
					type: 'SHA256',
					dataPropertyName: 'computedSignature',
					encoding: 'hex',
				},
				credentials: { crypto: { id: 'benchCrypto00001', name: 'Bench Crypto' } },
			}),
			ifEqualsNode('Signature OK?', '={{ $json.computedSignature }}', '={{ $json.headers["x-webhook-signature"] }}'),
			coreNode('removeDuplicates', {
				name: 'New Event?',
				typeVersion: 2,
				parameters: { operation: 'removeItemsSeenInPreviousExecutions', dedupeValue: '={{ $json.body.id }}', options: {} },
			}),
			done(),
		],
		[
			['Webhook', 'HMAC'],
			['HMAC', 'Signature OK?'],
			['Signature OK?', 'New Event?', 0],
			['New Event?', 'Done'],
		],
	);
}

/** n8n's Webhook node with Basic Auth: a wrong password is refused before any execution (n8n's own floor). */
export function basicAuthWebhookWorkflow(id: string, path: string): WorkflowJson {
	return triggered(
		id,
		coreNode('webhook', {
			name: 'Webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path, authentication: 'basicAuth', options: {} },
			credentials: { httpBasicAuth: { id: 'benchBasic000001', name: 'Bench Basic Auth' } },
		}),
	);
}
