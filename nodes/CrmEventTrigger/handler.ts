import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { crmAuthenticator, crmSecretHeaders } from '../shared/crm';
import type { NormalisedEvent } from '../shared/crm/types';
import type { AcceptedRequest, DedupeScope } from '../shared/inbound';
import { cachedInboundPolicy, DEFAULT_DEDUPE_OPTIONS, redactHeaders, redactionList } from '../shared/inbound';
import { answer, dedupeScopeOf, receive, startWorkflow } from '../shared/n8n/inboundWebhook';
import type { CrmTriggerConfig } from './config';
import { DEFAULT_DEDUPE_WINDOW_HOURS, readConfig } from './config';

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

function dedupeScope(context: IWebhookFunctions, config: CrmTriggerConfig): DedupeScope | undefined {
	const { deduplicate, dedupeWindowHours = DEFAULT_DEDUPE_WINDOW_HOURS, dedupeMaxEntries } = config.options;
	if (deduplicate === false) return undefined;
	// The inbound trigger's store; CRM events are checked one by one, after normalising.
	return dedupeScopeOf(context, {
		windowSeconds: Math.max(36, Math.round(dedupeWindowHours * 3600)),
		maxEntries: Math.max(1, Math.floor(dedupeMaxEntries ?? DEFAULT_DEDUPE_OPTIONS.maxEntries)),
	});
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

/**
 * The query without a key sent as a query parameter (Webhook API Key credential, Send In: Query), so the
 * secret reaches neither a record built from the query (GET requests) nor the raw request.
 */
function queryWithoutSecret(config: CrmTriggerConfig, query: Record<string, unknown>): Record<string, unknown> {
	const { authentication, credential } = config;
	if (authentication !== 'apiKey' || credential?.location !== 'query') return query;
	const rest = { ...query };
	delete rest[String(credential.name)];
	return rest;
}

/** The request as received, for the Include Raw Request option: auth and signature headers redacted. */
function rawRequest(context: IWebhookFunctions, config: CrmTriggerConfig, accepted: AcceptedRequest): IDataObject {
	const secretHeaders = redactionList(crmSecretHeaders(config.profile, config.authentication, config.credential));
	return {
		method: context.getRequestObject().method,
		headers: redactHeaders(accepted.headers, secretHeaders),
		query: queryWithoutSecret(config, accepted.query) as IDataObject,
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

	const normalised = config.profile.normalise({
		body: outcome.body,
		bodyKind: outcome.bodyKind,
		rawBody: outcome.rawBody,
		query: queryWithoutSecret(config, outcome.query),
		headers: outcome.headers,
		receivedAt,
		settings: config.settings,
	});
	if ('error' in normalised) {
		refuse(context, config, 400, 'malformed_body', normalised.error, outcome.clientIp);
		return { noWebhookResponse: true };
	}

	const wanted = normalised.events.filter((event) => config.eventFilter.size === 0 || config.eventFilter.has(event.event));
	const scope = dedupeScope(context, config);
	const fresh = scope ? wanted.filter((event) => !scope.seenBefore(event.eventId)) : wanted;
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
	const request = config.options.includeRawRequest ? rawRequest(context, config, outcome) : undefined;
	// n8n answers (status: the description's responseCode) once it has recorded the execution.
	return startWorkflow(context, content(success.body), [fresh.map((event) => item(event, outcome, receivedAt, request))]);
}
