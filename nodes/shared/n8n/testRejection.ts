/**
 * A refused request while the editor is "Listening for test event". n8n keeps a test webhook
 * listening after a request that starts no execution (test-webhooks.js returns before it stops
 * listening), so a refused request would leave no trace in the editor. A webhook() that throws
 * instead makes n8n record an execution whose trigger node carries the error
 * (webhook-helpers.js merges it into the run; workflow-execute.js rethrows it at the trigger), so
 * the panel stops listening and shows the reason while no node after the trigger runs. Production
 * requests never take this path: there a throw would still start an execution.
 */
import type { ServerResponse } from 'node:http';

import type { IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export class RejectedTestRequest extends NodeOperationError {}

/** Test webhooks run in n8n's 'manual' mode, production webhooks in 'webhook'. */
export const isTestRun = (context: IWebhookFunctions) => context.getMode() === 'manual';

/** Waits until the answer has been handed to the connection: n8n may close it after webhook() throws. */
function sent(res: ServerResponse): Promise<void> {
	if (res.writableFinished || res.destroyed) return Promise.resolve();
	return new Promise((resolve) => {
		res.once('finish', resolve);
		res.once('close', resolve);
	});
}

/** The error that ends the test run, once the sender has its 401/403 answer. */
export async function testRejection(
	context: IWebhookFunctions,
	rejection: { status: number; code: string; message: string; logDetail?: string },
): Promise<RejectedTestRequest> {
	await sent(context.getResponseObject() as unknown as ServerResponse);
	const detail = rejection.logDetail ? ` (${rejection.logDetail})` : '';
	return new RejectedTestRequest(context.getNode(), `Test request rejected with ${rejection.status}: ${rejection.message}`, {
		description: `The sender was answered ${rejection.status} (${rejection.code})${detail}. Nothing after this trigger ran. In production the same request is answered the same way and starts no execution.`,
	});
}
