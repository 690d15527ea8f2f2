/** The workflows, settings and events shared by the chain comparison and its correctness trials. */
import { createHmac, randomUUID } from 'node:crypto';

import { SAMPLES } from '../../examples/send-example-events';
import type { WorkflowJson } from '../../test/n8n/harness';
import type { LoadRequest } from '../lib/loadClient';
import { basicAuthWebhookWorkflow, handBuiltChainWorkflow, HMAC_SECRET, inboundWorkflow, webhookWorkflow } from '../workflows';

/** The n8n settings each run starts with. */
export const ENGINES = {
	default: {},
	lazy: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	legacy: { N8N_EXPRESSION_ENGINE: 'legacy' },
} satisfies Record<string, Record<string, string>>;
export type EngineName = keyof typeof ENGINES;

export const CHAIN_PATHS = {
	ours: 'bench-ch-ours',
	oursV2: 'bench-ch-ours-v2',
	chain: 'bench-ch-chain',
	bare: 'bench-ch-bare',
	floor: 'bench-ch-floor',
};

/**
 * An experiment, not a shipped configuration: our trigger imported as typeVersion 2, which it does not
 * declare. n8n checks `options.binaryData` through the expression engine for every typeVersion-1
 * webhook node (webhook-helpers.js parseRequestBody), which costs an isolate per request; at
 * typeVersion 2 it skips that check and parses JSON, XML, form and text bodies itself first.
 */
function atTypeVersion2(workflow: WorkflowJson): WorkflowJson {
	return { ...workflow, nodes: workflow.nodes.map((node) => (node.name === 'Inbound' ? { ...node, typeVersion: 2 } : node)) };
}

export function chainWorkflows(): Record<keyof typeof CHAIN_PATHS, WorkflowJson> {
	return {
		ours: inboundWorkflow('chOursHmacDedupe', CHAIN_PATHS.ours, true),
		oursV2: atTypeVersion2(inboundWorkflow('chOursAtVersion2', CHAIN_PATHS.oursV2, true)),
		chain: handBuiltChainWorkflow('chHandBuiltChain', CHAIN_PATHS.chain),
		bare: webhookWorkflow('chBareWebhook', CHAIN_PATHS.bare),
		floor: basicAuthWebhookWorkflow('chBasicAuthFloor', CHAIN_PATHS.floor),
	};
}

const EVENT_BYTES = 1024;

/** The examples' SalesOS event (examples/send-example-events.js), padded to exactly 1 KB, with the given id. */
export function event(id = `evt_${randomUUID()}`): string {
	const sample = SAMPLES.salesos;
	const shape = (notes: string) => JSON.stringify({ ...sample, id, timestamp: new Date().toISOString(), data: { ...sample.data, notes } });
	return shape('x'.repeat(Math.max(0, EVENT_BYTES - shape('').length)));
}

export const json = { 'content-type': 'application/json' };
export const sign = (body: string) => createHmac('sha256', HMAC_SECRET).update(body).digest('hex');
export const signed = (body: string): LoadRequest => ({ headers: { ...json, 'x-webhook-signature': sign(body) }, body });
