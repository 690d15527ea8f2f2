import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { bodyWithoutSecret, queryWithoutSecret } from '../shared/auth';
import { answerContent, parseJsonText } from '../shared/http/jsonText';
import { crmAuthenticator, crmSecretHeaders } from '../shared/crm';
import { normaliseWithExactIds } from '../shared/crm/exactIds';
import type { NormalisedEvent } from '../shared/crm/types';
import type { AcceptedRequest } from '../shared/inbound';
import { cachedInboundPolicy, redactHeaders, redactionList } from '../shared/inbound';
import { dedupeStoreUnavailable, DUPLICATE_ACK_BODY } from '../shared/inbound/pipeline';
import { isoString } from '../shared/isoString';
import { dedupeScopeOf } from '../shared/n8n/dedupe';
import { webhookCredentials } from '../shared/n8n/credentialCache';
import type { Refusal } from '../shared/n8n/inboundWebhook';
import { answer, receive, refuse, startWorkflow } from '../shared/n8n/inboundWebhook';
import { requestLineOf } from '../shared/n8n/requestLine';
import { isTestRun, nothingStartedInTest, REPEATED_TEST_EVENT, testRejection } from '../shared/n8n/testRejection';
import type { CrmTriggerConfig } from './config';
import { dedupeWindows, readConfig } from './config';

/** Nothing more happens in n8n: no execution starts. */
const NO_EXECUTION: IWebhookResponseData = { noWebhookResponse: true };

/** An answer ready to send: status, content type and body text. */
interface Answer {
	status: number;
	contentType: string;
	body: string;
}

const send = (context: IWebhookFunctions, { status, contentType, body }: Answer) => answer(context, status, contentType, body);

/** A refusal after the pipeline accepted the request, logged with the CRM it was meant for. */
const refuseFor = (context: IWebhookFunctions, config: CrmTriggerConfig, refusal: Refusal) =>
	refuse(context, refusal, { meta: { crm: config.profile.id } });

type AnswerContent = Omit<Answer, 'status'>;

const withStatus = (status: number, { contentType, body }: AnswerContent): Answer => ({ status, contentType, body });

const RECEIVED = Object.freeze({ received: true });

// The answer's text is the same for every delivery to a workflow, so it is worked out once, not per request.
const fixedContents = new WeakMap<object, AnswerContent>();
let lastConfigured: { text: string; content: AnswerContent } | undefined;

/** The content of a body fixed in code (a profile's required answer, `{received: true}`), serialised once. */
function fixedContent(body: unknown): AnswerContent {
	if (typeof body !== 'object' || body === null) return answerContent(body);
	let content = fixedContents.get(body);
	if (!content) fixedContents.set(body, (content = answerContent(body)));
	return content;
}

/** The content of the node's Response Body text, kept for the text last seen (one workflow's, usually). */
function configuredContent(text: string): AnswerContent {
	if (lastConfigured?.text !== text) lastConfigured = { text, content: answerContent(parseJsonText(text)?.value ?? text) };
	return lastConfigured.content;
}

/**
 * The answer to an accepted delivery: the node's Response settings, else what the CRM requires (in the
 * content type it requires), else `{received: true}`.
 */
function successAnswer(config: CrmTriggerConfig): Answer {
	const { options, profile } = config;
	const required = profile.defaultResponse;
	const status = options.responseCode ?? required?.status ?? 200;
	const configured = options.responseBody?.trim();
	if (configured) return withStatus(status, configuredContent(configured));
	if (required?.contentType && typeof required.body === 'string') return { status, contentType: required.contentType, body: required.body };
	return withStatus(status, fixedContent(required?.body ?? RECEIVED));
}

/** The events whose check came back false; `wanted` itself when none was seen (the usual case, no copy). */
const unseen = (wanted: NormalisedEvent[], seen: boolean[]) => (seen.includes(true) ? wanted.filter((_, index) => !seen[index]) : wanted);

/**
 * The events not received before (now recorded), checked in one call to the node's dedupe store
 * after normalising. Two windows: a hash without the change's time is kept only for the CRM's retry
 * window. Throws or rejects when the store cannot answer. The static-data store answers at once, so
 * its answer comes back without a promise.
 */
function freshEvents(
	context: IWebhookFunctions,
	config: CrmTriggerConfig,
	wanted: NormalisedEvent[],
): NormalisedEvent[] | Promise<NormalisedEvent[]> {
	const windows = dedupeWindows(config.options, config.profile);
	if (!windows || wanted.length === 0) return wanted;
	// The windows carry the store's options (windowSeconds, maxEntries) themselves.
	const dedupe = dedupeScopeOf(context, windows);
	if (!dedupe) return wanted;
	const keyOf = config.profile.dedupeKey;
	const seen = dedupe.seenBefore(
		wanted.map((event) => ({
			eventId: keyOf ? keyOf(event) : event.eventId,
			windowSeconds: event.eventIdSource === 'hash' ? windows.hashedIdWindowSeconds : windows.windowSeconds,
		})),
	);
	return Array.isArray(seen) ? unseen(wanted, seen) : seen.then((answers) => unseen(wanted, answers));
}

function item(event: NormalisedEvent, accepted: AcceptedRequest, receivedAt: string, request?: IDataObject): INodeExecutionData {
	// The profile built this event for this request alone, so it becomes the item without a copy.
	const json = event as unknown as IDataObject;
	const meta: IDataObject = { receivedAt, verifiedBy: accepted.verification.scheme };
	if (accepted.clientIp) meta.clientIp = accepted.clientIp;
	json.meta = meta;
	if (request) json.request = request;
	return { json };
}

/** The body for Include Raw Request: without a key the credential reads from it, and what the profile blanks. */
const bodyText = ({ profile, authentication, credential }: CrmTriggerConfig, rawBody: Buffer) => {
	const text = bodyWithoutSecret(authentication, credential, rawBody.toString('utf8'));
	return profile.redactRawBody ? profile.redactRawBody(text) : text;
};

/** The request as received, for the Include Raw Request option: auth and signature headers redacted, the query and body without a key. */
function rawRequest(
	context: IWebhookFunctions,
	config: CrmTriggerConfig,
	accepted: AcceptedRequest,
	query: Record<string, unknown>,
): IDataObject {
	const secretHeaders = redactionList(crmSecretHeaders(config.profile, config.authentication, config.credential));
	return {
		method: context.getRequestObject().method,
		headers: redactHeaders(accepted.headers, secretHeaders),
		query: query as IDataObject,
		body: accepted.bodyKind === 'binary' ? accepted.rawBody.toString('base64') : bodyText(config, accepted.rawBody),
	};
}

/** A delivery whose every wanted event was seen before: 409, or the usual answer marked as a duplicate. */
async function answerDuplicate(
	context: IWebhookFunctions,
	config: CrmTriggerConfig,
	success: Answer,
	clientIp: string | undefined,
): Promise<IWebhookResponseData> {
	context.logger.info(`${context.getNode().name}: dropped a repeated delivery`, { crm: config.profile.id, clientIp });
	if (config.options.duplicateResponse === 'reject') {
		return await refused(context, config, { status: 409, code: 'duplicate', message: 'This event was already received', clientIp });
	}
	// A CRM with a required answer (LeadSquared, Salesforce's SOAP Ack) gets it; others see the duplicate flag.
	send(context, config.profile.defaultResponse ? success : { status: success.status, ...answerContent(DUPLICATE_ACK_BODY) });
	if (isTestRun(context)) throw await nothingStartedInTest(context, success.status, REPEATED_TEST_EVENT);
	return NO_EXECUTION;
}

/** A refusal answered and logged; while the editor listens for a test event, it ends the test run with its reason. */
async function refused(context: IWebhookFunctions, config: CrmTriggerConfig, refusal: Refusal): Promise<IWebhookResponseData> {
	refuseFor(context, config, refusal);
	if (isTestRun(context)) throw await testRejection(context, refusal);
	return NO_EXECUTION;
}

/**
 * One CRM delivery: the shared inbound pipeline decides (method, IP, size, authenticity, replay,
 * parsing, handshake) and answers its refusals, the CRM's profile normalises, then the event filter
 * and the dedupe store drop what should not start the workflow. Nothing here starts an execution
 * for a refused request.
 */
export async function handleCrmWebhook(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const receivedAt = new Date();
	const config = await readConfig({
		getNodeParameter: (name, fallback) => context.getNodeParameter(name, fallback),
		getCredentials: (type) => webhookCredentials.get(context, type),
	});
	const policy = cachedInboundPolicy(config.inbound);
	// Only a CRM that signs the URL it called (HubSpot) needs it rebuilt.
	const requestLine = config.profile.secretVerification?.signsUrl
		? requestLineOf(context, config.settings.signedUrlFrom ?? 'webhookUrl', policy.ipAccess.trustedProxies)
		: undefined;
	const authenticate = crmAuthenticator(config.profile, config.authentication, config.credential, config.settings, requestLine);
	const outcome = await receive(context, policy, authenticate);
	if (!('outcome' in outcome)) return outcome;

	// A key sent in the query must reach neither a record built from the query (GET requests) nor the raw request.
	const query = queryWithoutSecret(config.authentication, config.credential, outcome.query);
	const normalised = normaliseWithExactIds(config.profile, {
		body: outcome.body,
		bodyKind: outcome.bodyKind,
		rawBody: outcome.rawBody,
		query,
		headers: outcome.headers,
		receivedAt,
		settings: config.settings,
	});
	if ('error' in normalised) {
		return await refused(context, config, { status: 400, code: 'malformed_body', message: normalised.error, clientIp: outcome.clientIp });
	}

	const { eventFilter } = config;
	const wanted = eventFilter.size === 0 ? normalised.events : normalised.events.filter((event) => eventFilter.has(event.event));
	let fresh: NormalisedEvent[];
	try {
		const checked = freshEvents(context, config, wanted);
		fresh = Array.isArray(checked) ? checked : await checked;
	} catch (error) {
		// Nothing passes unchecked: the CRM retries later.
		return await refused(context, config, { ...dedupeStoreUnavailable(error), clientIp: outcome.clientIp });
	}
	const success = successAnswer(config);
	if (fresh.length === 0) {
		if (wanted.length > 0) return await answerDuplicate(context, config, success, outcome.clientIp);
		// Every event filtered out: the CRM gets its usual answer and nothing starts. In a test run the editor keeps
		// listening, as n8n does, for the chosen event may come next (its panel says so).
		send(context, success);
		return NO_EXECUTION;
	}
	const request = config.options.includeRawRequest ? rawRequest(context, config, outcome, query) : undefined;
	// n8n answers (status: the description's responseCode) once it has recorded the execution.
	// Formatted once for the whole batch (a bulk delivery carries up to hundreds of events).
	const receivedAtText = isoString(receivedAt);
	return startWorkflow(context, success, [fresh.map((event) => item(event, outcome, receivedAtText, request))]);
}
