/**
 * The workflows and credentials of the queue-mode suite, and how its events are signed. One
 * workflow per trigger and dedupe store, reused by every scenario: each scenario sends its own
 * event ids and counts executions per id.
 */
import { createHmac } from 'node:crypto';

import type { CredentialJson, Json, WorkflowJson } from '../n8n/harness';
import { pkgNode, workflow } from '../n8n/harness';
import { retryLaterWorkflow } from '../n8n/retryLaterWorkflow';

const SECRET = 'queue-mode-signing-secret';
export const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

export const signingCredential: CredentialJson = {
	id: 'queueHmacSecret0',
	name: 'Queue HMAC',
	type: 'webhookSigningSecretApi',
	data: { scheme: 'hmac', secret: SECRET },
};
const signing = { webhookSigningSecretApi: { id: signingCredential.id, name: signingCredential.name } };

export type Store = 'redis' | 'postgres';
export type Trigger = 'inbound' | 'crm';

const storeCredential: Record<Store, Record<string, { id: string; name: string }>> = {
	redis: { webhookDedupeRedisApi: { id: 'queueDedupeRedis', name: 'Queue Dedupe Redis' } },
	postgres: { webhookDedupePostgresApi: { id: 'queueDedupePgsql', name: 'Queue Dedupe PostgreSQL' } },
};

export interface Target {
	trigger: Trigger;
	store: Store | 'none';
	path: string;
	workflow: WorkflowJson;
}

/** Inbound Webhook Trigger, signed, deduplicating on `$.id` with a shared store; a repeat is answered 409. */
function inboundTarget(store: Store): Target {
	const path = `queue-inbound-${store}`;
	const trigger = pkgNode('inboundWebhookTrigger', {
		name: 'Inbound',
		webhookId: `${path}-id`,
		parameters: {
			httpMethod: ['POST'],
			path,
			authentication: 'signingSecret',
			deduplicate: true,
			eventIdSource: 'jsonPath',
			eventIdPath: '$.id',
			duplicateResponse: 'reject',
			dedupeStore: store,
		},
		credentials: { ...signing, ...storeCredential[store] },
	});
	return { trigger: 'inbound', store, path, workflow: workflow(`qInbound${store}`, [trigger], []) };
}

/** CRM Event Trigger with the SalesOS profile (deduplicates by default); a repeat is acknowledged with a flag. */
function crmTarget(store: Store): Target {
	const path = `queue-crm-${store}`;
	const trigger = pkgNode('crmEventTrigger', {
		name: 'CRM',
		webhookId: `${path}-id`,
		parameters: { path, crm: 'salesOs', authentication: 'signingSecret', dedupeStore: store },
		credentials: { ...signing, ...storeCredential[store] },
	});
	return { trigger: 'crm', store, path, workflow: workflow(`qCrm${store}`, [trigger], []) };
}

export const TARGETS: Target[] = [inboundTarget('redis'), inboundTarget('postgres'), crmTarget('redis'), crmTarget('postgres')];

/** No deduplication: every distinct event must run once, and only signed ones. */
export const PLAIN_PATH = 'queue-plain';
export const plainWorkflow = workflow(
	'qPlainInbound',
	[
		pkgNode('inboundWebhookTrigger', {
			name: 'Inbound',
			webhookId: `${PLAIN_PATH}-id`,
			parameters: { httpMethod: ['POST'], path: PLAIN_PATH, authentication: 'signingSecret' },
			credentials: signing,
		}),
	],
	[],
);
export const plainTarget: Target = { trigger: 'inbound', store: 'none', path: PLAIN_PATH, workflow: plainWorkflow };

/** Outbound Webhook with a Retry Later wait over 65 s: the main process resumes the persisted Wait onto a worker. */
export const OUTBOUND_PATH = 'queue-outbound';
export const outboundWorkflow = (receiverUrl: string, retryWaitSeconds: number) =>
	retryLaterWorkflow({ id: 'qOutboundWait', path: OUTBOUND_PATH, url: receiverUrl, retryWaitSeconds });

/** A SalesOS-shaped event both triggers accept: `id` is the dedupe key. */
export function eventBody(id: string): string {
	const body: Json = { id, type: 'opportunity.won', timestamp: new Date().toISOString(), data: { id: `opp_${id}`, amount: 48000 } };
	return JSON.stringify(body);
}
