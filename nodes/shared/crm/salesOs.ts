/**
 * SalesOS (docs.salesos.org/docs/webhooks): a JSON envelope `{id, type, timestamp, organizationId,
 * data}` signed with HMAC-SHA256 in `X-Webhook-Signature`, retried up to 5 times, so `id` is the dedupe key.
 * The docs do not say whether the digest is hex or base64 or carries a `sha256=` prefix, so both encodings
 * and the prefix are recognised from the header itself.
 */
import type { SigningConfig } from '../signatures';
import type { HeaderBag } from '../signatures/types';
import { singleHeader } from '../signatures/types';
import { buildEvent, eventIdOf, eventType, idText, isoTime, isRecord, objectTypeOf, presentValues, resolveEvent, without } from './events';
import { bodyValue } from './records';
import type { CrmEventType, CrmProfile, NormaliseInput, NormaliseResult } from './types';
import { setupSteps } from './setupSteps';

/** The 20 events of the SalesOS webhook docs, whose names are already canonical. */
const EVENTS: CrmEventType[] = [
	eventType('lead.created', 'Lead Created'),
	eventType('lead.updated', 'Lead Updated'),
	eventType('lead.deleted', 'Lead Deleted'),
	eventType('lead.converted', 'Lead Converted'),
	eventType('contact.created', 'Contact Created'),
	eventType('contact.updated', 'Contact Updated'),
	eventType('account.created', 'Account Created'),
	eventType('account.updated', 'Account Updated'),
	eventType('opportunity.created', 'Opportunity Created'),
	eventType('opportunity.updated', 'Opportunity Updated'),
	eventType('opportunity.won', 'Opportunity Won'),
	eventType('opportunity.lost', 'Opportunity Lost'),
	eventType('quote.created', 'Quote Created'),
	eventType('quote.approved', 'Quote Approved'),
	eventType('quote.sent', 'Quote Sent'),
	eventType('order.created', 'Order Created'),
	eventType('order.completed', 'Order Completed'),
	eventType('meeting.scheduled', 'Meeting Scheduled'),
	eventType('meeting.completed', 'Meeting Completed'),
	eventType('task.completed', 'Task Completed'),
];

const ENVELOPE = ['id', 'type', 'event', 'timestamp', 'organizationId', 'data'];

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Reads the encoding and any `sha256=` prefix from the signature SalesOS sent: the header decides, not the credential's Prefix. */
function adaptSigning(config: SigningConfig, headers: HeaderBag): SigningConfig {
	if (config.scheme !== 'hmac') return config;
	const header = singleHeader(headers, config.headerName);
	if (typeof header !== 'string') return config;
	const value = header.trim();
	const prefix = value.toLowerCase().startsWith('sha256=') ? value.slice(0, 7) : '';
	const digest = value.slice(prefix.length);
	const encoding = config.algorithm === 'sha256' ? (SHA256_HEX.test(digest) ? 'hex' : 'base64') : config.encoding;
	// Usually the credential already says what the header shows: its config serves as is, no copy per request.
	if (prefix === config.prefix && encoding === config.encoding) return config;
	return { ...config, prefix, encoding };
}

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	if (!isRecord(body)) return { error: 'A SalesOS webhook must be a JSON object' };
	const type = idText(body.type) ?? idText(body.event);
	if (!type) return { error: 'The SalesOS payload has no "type" field naming the event' };
	const { event: canonical, sourceEvent } = resolveEvent(EVENTS, type);
	const data = isRecord(body.data) ? body.data : without(body, ENVELOPE);
	const occurredAt = isoTime(body.timestamp);
	return {
		events: [
			buildEvent(
				{
					event: canonical,
					sourceEvent,
					crm: 'salesOs',
					...eventIdOf(idText(body.id), occurredAt, 'salesOs', sourceEvent, body.timestamp, data),
					occurredAt,
					object: { type: objectTypeOf(canonical), id: idText(data.id) },
					data,
					context: presentValues({ organizationId: body.organizationId }),
				},
				input.receivedAt,
			),
		],
	};
}

export const salesOs: CrmProfile = {
	id: 'salesOs',
	displayName: 'SalesOS',
	events: EVENTS,
	defaultAuthentication: 'signingSecret',
	supportedAuthentications: ['signingSecret', 'none'],
	adaptSigning,
	httpMethods: ['POST'],
	// Five retries, after 1 min, 5 min, 30 min, 2 h and 24 h (the SalesOS webhook docs), read as gaps: the longer reading.
	retryWindowHours: 27,
	setupHint: setupSteps(
		'SalesOS webhook',
		[
			'In SalesOS open Settings > Webhooks, click Add Webhook, paste this URL and select the events.',
			'Copy the webhook secret into a Webhook Signing Secret credential: scheme HMAC Signature Header, header X-Webhook-Signature, SHA-256 (hex and base64 digests are both recognised).',
			'Pick that credential here and publish the workflow.',
		],
		'SalesOS retries a failed delivery up to 5 times; repeats are dropped by their event id.',
	),
	settings: [],
	normalise,
};
