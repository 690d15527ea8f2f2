import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { queryWithoutSecret } from '../shared/auth';
import { crmAuthenticator, crmSecretHeaders } from '../shared/crm';
import type { NormalisedEvent } from '../shared/crm/types';
import type { AcceptedRequest } from '../shared/inbound';
import { cachedInboundPolicy, redactHeaders, redactionList } from '../shared/inbound';
import { answer, dedupeScopeOf, receive, startWorkflow } from '../shared/n8n/inboundWebhook';
import type { CrmTriggerConfig } from './config';
import { dedupeWindows, readConfig } from './config';

const JSON_TYPE = 'application/json; charset=utf-8';

const content = (body: unknown) =>
	typeof body === 'string' ? { contentType: 'text/plain; charset=utf-8', body } : { contentType: JSON_TYPE, body: JSON.stringify(body) };

function reply(context: IWebhookFunctions, status: number, body: unknown) {
	const { contentType, body: text } = content(body);
	answer(context, status, contentType, text);
}

/** A refusal after the pipeline accepted the request: logged with its reason, never a secret or the body. */
function refuse(context: IWebhookFunctions, config: CrmTriggerConfig, status: number, code: string, message: string, clientIp?: string) {
	const node = context.getNode().name;
	context.logger.warn(`${node}: request rejected with ${status} (${code}): ${message}`, {
		workflowId: context.getWorkflow().id,
		node,
		crm: config.profile.id,
		status,
		code,
		clientIp,
	});
	reply(context, status, { error: code, message });
}

/** The answer to an accepted delivery: the node's Response settings, else what the CRM requires, else `{received: true}`. */
function successBody(config: CrmTriggerConfig): { status: number; body: unknown } {
	const { options, profile } = config;
	const configured = options.responseBody?.trim();
	let body: unknown = profile.defaultResponse?.body ?? { received: true };
	if (configured) {
		try {
			body = configured.startsWith('{') || configured.startsWith('[') ? JSON.parse(configured) : configured;
		} catch {
			body = configured;
		}
	}
	return { status: options.responseCode ?? profile.defaultResponse?.status ?? 200, body };
}

/** Whether an event was received before (and records it if not); undefined when deduplication is off. */
function repeatCheck(context: IWebhookFunctions, config: CrmTriggerConfig): ((event: NormalisedEvent) => boolean) | undefined {
	const windows = dedupeWindows(config.options, config.profile);
	if (!windows) return undefined;
	// The inbound trigger's store; CRM events are checked one by one, after normalising. One memory,
	// two windows: a hash without the change's time is kept only for the CRM's retry window.
	const { maxEntries } = windows;
	const bySentId = dedupeScopeOf(context, { windowSeconds: windows.windowSeconds, maxEntries });
	const byHash = dedupeScopeOf(context, { windowSeconds: windows.hashedIdWindowSeconds, maxEntries });
	return (event) => (event.eventIdSource === 'hash' ? byHash : bySentId)?.seenBefore(event.eventId) === true;
}

function item(event: NormalisedEvent, accepted: AcceptedRequest, receivedAt: Date, request?: IDataObject): INodeExecutionData {
	return {
		json: {
			...event,
			meta: {
				receivedAt: receivedAt.toISOString(),
				verifiedBy: accepted.verification.scheme,
				...(accepted.clientIp ? { clientIp: accepted.clientIp } : {}),
			},
			...(request ? { request } : {}),
		} as unknown as IDataObject,
	};
}

/** The request as received, for the Include Raw Request option: auth and signature headers redacted, the query without a key. */
function rawRequest(context: IWebhookFunctions, config: CrmTriggerConfig, accepted: AcceptedRequest, query: Record<string, unknown>): IDataObject {
	const secretHeaders = redactionList(crmSecretHeaders(config.profile, config.authentication, config.credential));
	return {
		method: context.getRequestObject().method,
		headers: redactHeaders(accepted.headers, secretHeaders),
		query: query as IDataObject,
		body: accepted.bodyKind === 'binary' ? accepted.rawBody.toString('base64') : accepted.rawBody.toString('utf8'),
	};
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
		getCredentials: async (type) => await context.getCredentials(type),
	});
	const authenticate = crmAuthenticator(config.profile, config.authentication, config.credential, config.settings);
	const outcome = await receive(context, cachedInboundPolicy(config.inbound), authenticate);
	if (!('outcome' in outcome)) return outcome;

	// A key sent in the query must reach neither a record built from the query (GET requests) nor the raw request.
	const query = queryWithoutSecret(config.authentication, config.credential, outcome.query);
	const normalised = config.profile.normalise({
		body: outcome.body,
		bodyKind: outcome.bodyKind,
		rawBody: outcome.rawBody,
		query,
		headers: outcome.headers,
		receivedAt,
		settings: config.settings,
	});
	if ('error' in normalised) {
		refuse(context, config, 400, 'malformed_body', normalised.error, outcome.clientIp);
		return { noWebhookResponse: true };
	}

	const wanted = normalised.events.filter((event) => config.eventFilter.size === 0 || config.eventFilter.has(event.event));
	const seenBefore = repeatCheck(context, config);
	const fresh = seenBefore ? wanted.filter((event) => !seenBefore(event)) : wanted;
	const success = successBody(config);
	if (fresh.length === 0 && wanted.length > 0) {
		context.logger.info(`${context.getNode().name}: dropped a repeated delivery`, { crm: config.profile.id, clientIp: outcome.clientIp });
		if (config.options.duplicateResponse === 'reject') {
			refuse(context, config, 409, 'duplicate', 'This event was already received', outcome.clientIp);
		} else {
			// A CRM with a required answer (LeadSquared) gets it; others see the duplicate flag.
			reply(context, success.status, config.profile.defaultResponse ? success.body : { received: true, duplicate: true });
		}
		return { noWebhookResponse: true };
	}

	if (fresh.length === 0) {
		reply(context, success.status, success.body);
		return { noWebhookResponse: true };
	}
	const request = config.options.includeRawRequest ? rawRequest(context, config, outcome, query) : undefined;
	// n8n answers (status: the description's responseCode) once it has recorded the execution.
	return startWorkflow(context, content(success.body), [fresh.map((event) => item(event, outcome, receivedAt, request))]);
}
