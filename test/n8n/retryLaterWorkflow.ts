import { randomUUID } from 'node:crypto';

import type { WorkflowJson } from './harness';
import { coreNode, pkgNode, workflow } from './harness';

/**
 * Outbound Webhook with a Retry Later loop: a Webhook receives `{ items: [...] }`, each item is
 * delivered to `url`; an item told to retry leaves through the Retry Later output into a Wait node
 * that resumes at its `delivery.nextAttemptAt` and comes back to the same node. With a wait of 65 s
 * or more, n8n persists the Wait (Wait.node.js keeps shorter ones in memory).
 */
export function retryLaterWorkflow(options: { id: string; path: string; url: string; retryWaitSeconds: number }): WorkflowJson {
	return workflow(
		options.id,
		[
			coreNode('webhook', {
				name: 'Webhook',
				typeVersion: 2,
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: options.path, options: {} },
			}),
			coreNode('splitOut', { name: 'Items', parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields' } }),
			pkgNode('outboundWebhook', {
				name: 'Deliver',
				parameters: {
					method: 'POST',
					url: options.url,
					content: 'wholeItem',
					// The default Retry Later threshold (65 s): this wait leaves the execution through the Wait node.
					retry: { backoff: 'schedule', schedule: `${options.retryWaitSeconds}s` },
				},
			}),
			coreNode('wait', {
				name: 'Wait',
				typeVersion: 1.1,
				webhookId: randomUUID(),
				parameters: { resume: 'specificTime', dateTime: '={{ $input.all().map(item => item.json.delivery.nextAttemptAt).sort()[0] }}' },
			}),
			coreNode('noOp', { name: 'Delivered' }),
		],
		[
			['Webhook', 'Items'],
			['Items', 'Deliver'],
			['Deliver', 'Delivered', 0],
			['Deliver', 'Wait', 1],
			['Wait', 'Deliver'],
		],
	);
}
