/**
 * A refused or repeated request while the editor listens for a test event. n8n keeps a test webhook
 * listening after a request that starts no execution (test-webhooks.js returns before it stops
 * listening: "probably setup related or a ping"), so such a request would leave no trace in the editor.
 * A webhook() that throws instead makes n8n record an execution whose trigger node carries the error
 * (webhook-helpers.js merges it into the run; workflow-execute.js rethrows it at the trigger), so the
 * panel stops listening and shows the reason while no node after the trigger runs. Handshakes and
 * events not chosen in Events keep it listening, as n8n intends. Production requests never take this
 * path: there a throw would still start an execution.
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

/** What to do about a refusal: said in the editor only (n8n shows the message; a sender never sees it). */
const ADVICE: Partial<Record<string, string>> = {
	unauthorized:
		'Check that the credential holds the secret or key the sender uses, and for a signature its header, algorithm and encoding.',
	forbidden: 'The request proved to come from another sender (account or app) than the one set up here.',
	replayed: 'Send a fresh request rather than a stored one, or check the sender’s clock (Options › Replay Window).',
	ip_not_allowed: 'Add the sender’s address to Options › IP Allowlist; behind a reverse proxy, list it in Options › Trusted Proxies.',
	body_too_large: 'Raise Options › Max Body Size (KB) if the sender’s bodies are this large.',
	duplicate: 'Send a new event, or turn deduplication off while testing (Deduplicate, or Options › Deduplicate Events).',
	dedupe_store_unavailable: 'Check the Dedupe Store credential: its credential test connects to the server.',
};

const PRODUCTION_TOO = 'Nothing after this trigger ran. In production the same request is answered the same way and starts no execution.';

/** The error that ends the test run, once the sender has its 4xx/5xx answer: the reason, and what to do about it. */
export async function testRejection(
	context: IWebhookFunctions,
	rejection: { status: number; code: string; message: string; logDetail?: string },
): Promise<RejectedTestRequest> {
	await sent(context.getResponseObject() as unknown as ServerResponse);
	const detail = rejection.logDetail ? ` (${rejection.logDetail})` : '';
	const advice = ADVICE[rejection.code];
	const reason = advice ? `${rejection.message.replace(/\.$/, '')}. ${advice}` : rejection.message;
	return new RejectedTestRequest(context.getNode(), `Test request rejected with ${rejection.status}: ${reason}`, {
		description: `The sender was answered ${rejection.status} (${rejection.code})${detail}. ${PRODUCTION_TOO}`,
	});
}

/** Why a repeated event started nothing: a CRM's "send test" button usually resends the same event ID. */
export const REPEATED_TEST_EVENT =
	'its event ID was received before. Send a new event, or turn deduplication off while testing (Deduplicate, or Options › Deduplicate Events).';

/**
 * The error that ends the test run after a request that was answered as the sender expects but started nothing (a
 * repeated event): otherwise the editor would go on listening with no sign that the request arrived.
 */
export async function nothingStartedInTest(context: IWebhookFunctions, status: number, why: string): Promise<RejectedTestRequest> {
	await sent(context.getResponseObject() as unknown as ServerResponse);
	return new RejectedTestRequest(context.getNode(), `Test request answered ${status} but started nothing: ${why}`, {
		description: PRODUCTION_TOO,
	});
}
