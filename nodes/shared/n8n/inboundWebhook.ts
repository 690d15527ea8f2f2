/**
 * n8n glue for triggers built on the inbound pipeline (the Inbound Webhook Trigger and the CRM
 * Event Trigger): taking body parsing over from n8n, turning n8n's request into pipeline input,
 * answering without starting an execution, and logging rejections safely.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

import type { IHookFunctions, INodeExecutionData, INodeProperties, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AuthKind, CredentialData } from '../auth';
import { isFramingHeader, isSafeHeader } from '../http/headerRules';
import { JSON_CONTENT_TYPE } from '../http/jsonText';
import { CREDENTIAL_TYPES } from '../auth';
import type { Authenticator, InboundAuth } from '../inbound/authenticator';
import { inboundAuthFromCredential } from '../inbound/authenticator';
import { hashEventId } from '../inbound/dedupeStore';
import type { AcceptedRequest, InboundRequest } from '../inbound/pipeline';
import { runInboundPipeline } from '../inbound/pipeline';
import type { InboundPolicy } from '../inbound/policy';
import type { InboundSignature } from '../signatures/presets';
import { headerBagOf } from '../inbound/request';
import { webhookCredentials } from './credentialCache';
import { dedupeScopeOf } from './dedupe';
import { HTML_SANDBOX_CSP, htmlSandboxDisabled } from './htmlSandbox';
import { markAnsweredByNode } from './ownAnswers';
import { isTestRun, nothingStartedInTest, RejectedTestRequest, REPEATED_TEST_EVENT, testRejection } from './testRejection';

/**
 * Parsing takeover. n8n parses JSON, XML, form and text bodies before webhook() runs and answers a
 * malformed one with 422 itself, outside the node's control. n8n skips that step for a node of
 * typeVersion 1 whose `$parameter["options"]["binaryData"]` is truthy
 * (n8n/dist/webhooks/webhook-helpers.js, parseRequestBody). This hidden parameter is that switch:
 * n8n's Workflow constructor fills in parameter defaults (NodeHelpers.getNodeParameters with
 * returnDefaults), so it is true at runtime although the editor never stores it. The request
 * stream is then still unread when webhook() runs, and the pipeline reads it with its own limits
 * and answers malformed bodies with 400.
 *
 * Should a workflow JSON ever carry a different `options` value, n8n parses (and buffers the exact
 * bytes into req.rawBody) first; requestOf() then uses those bytes, so signatures still verify.
 */
export const PARSING_TAKEOVER_PROPERTY: INodeProperties = {
	displayName: 'Raw Body Reading',
	name: 'options',
	type: 'hidden',
	default: { binaryData: true },
};

type N8nRequest = ReturnType<IWebhookFunctions['getRequestObject']> & { rawBody?: unknown };

type WebhookUrls = { getWebhookResourceUrl?: (name: 'default') => string | undefined };

/**
 * The URL the sender called, as n8n knows it: the node's webhook URL (the test URL while the editor
 * listens; n8n builds it from WEBHOOK_URL, which must be the public address behind a reverse proxy)
 * followed by the query exactly as sent. A path with :parameters is not filled in.
 */
function senderUrl(context: IWebhookFunctions, req: N8nRequest): string | undefined {
	const resourceUrl = (context as unknown as WebhookUrls).getWebhookResourceUrl;
	// n8n 2.x: the test or production URL the request came to; older versions know only the production one.
	const base = typeof resourceUrl === 'function' ? resourceUrl.call(context, 'default') : context.getNodeWebhookUrl('default');
	if (!base) return undefined;
	const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
	const queryAt = target.indexOf('?');
	return queryAt < 0 ? base : `${base}${target.slice(queryAt)}`;
}

/** The pipeline's view of n8n's request. */
export function requestOf(context: IWebhookFunctions): InboundRequest {
	const req = context.getRequestObject() as N8nRequest;
	return {
		method: req.method ?? 'GET',
		headers: headerBagOf(req),
		query: (req.query ?? {}) as Record<string, unknown>,
		url: () => senderUrl(context, req),
		peerAddress: req.socket?.remoteAddress,
		body: Buffer.isBuffer(req.rawBody) ? req.rawBody : (req as unknown as Readable),
	};
}

/** The credential behind the node's `authentication` parameter, as a cached authenticator. */
export async function inboundAuthOf(context: IWebhookFunctions, signature?: InboundSignature): Promise<InboundAuth> {
	const kind = context.getNodeParameter('authentication', 'none') as AuthKind;
	if (kind === 'none') return inboundAuthFromCredential('none', undefined);
	const data = await webhookCredentials.get<CredentialData>(context, CREDENTIAL_TYPES[kind]);
	return inboundAuthFromCredential(kind, data, signature);
}

/**
 * The content type, no sniffing, then the node's own headers, which may replace the content type; unsafe ones are
 * skipped. Last, n8n's HTML sandbox, as n8n sets it after a workflow's own headers.
 */
function setAnswerHeaders(res: ServerResponse, contentType: string | undefined, headers: Record<string, string>) {
	if (contentType !== undefined) res.setHeader('Content-Type', contentType);
	res.setHeader('X-Content-Type-Options', 'nosniff');
	// A framing header (Content-Length, Transfer-Encoding …) from an expression would garble the answer on the wire.
	for (const [name, value] of Object.entries(headers)) if (isSafeHeader(name, value) && !isFramingHeader(name)) res.setHeader(name, value);
	if (!htmlSandboxDisabled()) res.setHeader('Content-Security-Policy', HTML_SANDBOX_CSP);
}

/** Statuses whose answer has no body (RFC 9110 §6.4.1), so no Content-Length or Content-Type either. */
const hasNoBody = (status: number) => status < 200 || status === 204 || status === 304;

const withoutContentType = (headers: Record<string, string>) =>
	Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));

/** Writes a complete answer with plain node:http calls (an Express response is a ServerResponse too). */
export function answer(
	context: IWebhookFunctions,
	status: number,
	contentType: string,
	body: string,
	headers: Record<string, string> = {},
	closeConnection = false,
) {
	const res = context.getResponseObject() as unknown as ServerResponse;
	if (res.headersSent) return;
	markAnsweredByNode(res);
	res.statusCode = status;
	const bodyless = hasNoBody(status);
	setAnswerHeaders(res, bodyless ? undefined : contentType, bodyless ? withoutContentType(headers) : headers);
	if (!bodyless) res.setHeader('Content-Length', Buffer.byteLength(body));
	// After a refused body, close the connection rather than read the rest of the upload.
	if (closeConnection) res.setHeader('Connection', 'close');
	res.end(bodyless ? undefined : body);
}

/** The answer to an accepted request, sent by n8n once the execution is recorded (see startWorkflow). */
export interface AcceptAnswer {
	contentType: string;
	body: string;
	headers?: Record<string, string>;
}

/**
 * Starts the workflow and leaves the answer to n8n, which sends it only after it has recorded the
 * execution (webhook-helpers.js defers an onReceived answer until WorkflowRunner.run() returns) and
 * saved the node's static data, the dedupe memory included (live-webhooks.js saves it before the
 * answer goes out). Answering from webhook() instead acknowledged events n8n had not stored yet: a
 * sender at concurrency 50 was never slowed down, requests piled up inside n8n (12 GB of memory,
 * SQLite lock timeouts, executions never created for events answered 200), and a crash lost
 * acknowledged events.
 *
 * n8n sets the status from the webhook description's `responseCode` and sends `webhookResponse` as
 * the body when the description's `responseData` is empty; the headers are set here.
 */
export function startWorkflow(
	context: IWebhookFunctions,
	answer: AcceptAnswer,
	workflowData: INodeExecutionData[][],
): IWebhookResponseData {
	const res = context.getResponseObject() as unknown as ServerResponse;
	if (!res.headersSent) setAnswerHeaders(res, answer.contentType, answer.headers ?? {});
	return { webhookResponse: answer.body, workflowData };
}

/** Nothing more happens in n8n: no execution starts. */
const NO_EXECUTION: IWebhookResponseData = { noWebhookResponse: true };

/**
 * Runs the pipeline. A rejection, handshake or acknowledged duplicate is answered and logged here
 * and comes back as the IWebhookResponseData to return; an accepted request comes back for the
 * node to turn into items.
 */
export async function receive(
	context: IWebhookFunctions,
	policy: InboundPolicy,
	authenticate: Authenticator,
): Promise<AcceptedRequest | IWebhookResponseData> {
	const request = requestOf(context);
	const result = await runInboundPipeline(request, policy, {
		authenticate,
		dedupe: dedupeScopeOf(context, policy.dedupe?.options),
	});
	if (result.outcome === 'accepted') return result;
	// A duplicate's event id can be an e-mail address, so it is logged as the dedupe store keeps it: hashed.
	const meta = result.eventId ? { eventIdHash: hashEventId(result.eventId) } : {};
	if (result.outcome === 'answered') {
		context.logger.info(
			`${context.getNode().name}: answered a ${result.code} without starting the workflow`,
			logMeta(context, result, meta),
		);
		answer(context, result.status, result.contentType, result.body);
		// A handshake is setup: the editor keeps listening for the event that follows, as n8n does for its own triggers.
		if (result.code === 'duplicate' && isTestRun(context)) throw await nothingStartedInTest(context, result.status, REPEATED_TEST_EVENT);
		return NO_EXECUTION;
	}
	const unread = !Buffer.isBuffer(request.body) && !(request.body as Readable).readableEnded;
	refuse(context, result, { meta, closeConnection: unread });
	// While the editor listens for a test event, the refusal ends the test run with its reason.
	if (isTestRun(context)) throw await testRejection(context, result);
	return NO_EXECUTION;
}

/** A refused request as logged and answered: the pipeline's rejections and the CRM trigger's own. */
export interface Refusal {
	status: number;
	code: string;
	message: string;
	clientIp?: string;
	/** Logged after the message, never sent: why a dependency failed (host and port, never a password). */
	logDetail?: string;
	/** Extra response headers, e.g. Retry-After for a 503. */
	headers?: Record<string, string>;
}

/** Reason, status and client only: never a secret, a signature or the body. */
const logMeta = (context: IWebhookFunctions, outcome: Pick<Refusal, 'status' | 'code' | 'clientIp'>, meta: Record<string, unknown>) => ({
	workflowId: context.getWorkflow().id,
	node: context.getNode().name,
	...meta,
	status: outcome.status,
	code: outcome.code,
	clientIp: outcome.clientIp,
});

/**
 * Logs a refusal and answers it as `{ error, message }`, without starting an execution. `meta` adds
 * fields to the log entry (the CRM, a hashed event id); `closeConnection` is for a body left unread.
 */
export function refuse(
	context: IWebhookFunctions,
	refusal: Refusal,
	options: { meta?: Record<string, unknown>; closeConnection?: boolean } = {},
) {
	const { status, code, message } = refusal;
	const detail = refusal.logDetail ? ` (${refusal.logDetail})` : '';
	context.logger.warn(
		`${context.getNode().name}: request rejected with ${status} (${code}): ${message}${detail}`,
		logMeta(context, refusal, options.meta ?? {}),
	);
	answer(context, status, JSON_CONTENT_TYPE, JSON.stringify({ error: code, message }), refusal.headers ?? {}, options.closeConnection);
}

/**
 * Runs a webhook handler so that nothing escapes: a throw from webhook() would start an execution
 * in n8n (webhook-helpers.js records the error as one). An unexpected failure is logged and answered 500.
 */
export async function withoutThrowing(
	context: IWebhookFunctions,
	handler: () => Promise<IWebhookResponseData>,
): Promise<IWebhookResponseData> {
	try {
		return await handler();
	} catch (error) {
		// Meant for n8n: it ends the editor's test run with the reason.
		if (error instanceof RejectedTestRequest) throw new NodeOperationError(context.getNode(), error);
		context.logger.error(`${context.getNode().name}: webhook failed: ${(error as Error).message}`, {
			workflowId: context.getWorkflow().id,
			node: context.getNode().name,
		});
		answer(
			context,
			500,
			JSON_CONTENT_TYPE,
			JSON.stringify({ error: 'internal_error', message: 'The webhook could not process this request' }),
		);
		return NO_EXECUTION;
	}
}

/**
 * The webhook lifecycle of a trigger whose sender is set up by hand: there is nothing to register,
 * so publishing is where the configuration is checked. A bad CIDR, JSONPath or credential then
 * stops the publish with a message naming the parameter, instead of refusing deliveries later.
 */
export function validatingLifecycle(
	problemsOf: (context: IHookFunctions) => Promise<string[]>,
	onDeactivate: (context: IHookFunctions) => Promise<void> = async () => undefined,
) {
	return {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const problems = await problemsOf(this);
				if (problems.length > 0) throw new NodeOperationError(this.getNode(), problems.join('; '));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				await onDeactivate(this);
				return true;
			},
		},
	};
}
