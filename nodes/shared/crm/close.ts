/**
 * Close (developer.close.com/topics/webhooks): `close-sig-hash` is the hex HMAC-SHA256 of `close-sig-timestamp`
 * followed by the raw body, no separator, keyed with the hex-decoded `signature_key` of the subscription.
 * The timestamp is held to the replay window. The body is `{subscription_id, event: {id, object_type, action,
 * object_id, lead_id, data, previous_data, date_created, date_updated, ...}}`. Deduplication keys on `event.id`
 * with `date_updated`: Close's event log updates an event when more changes to its object follow shortly.
 */
import type { SigningConfig } from '../signatures';
import { buildEvent, eventIdOf, eventType, idText, isoTime, isRecord, objectTypeOf, presentValues, resolveEvent } from './events';
import { bodyValue } from './records';
import type { CrmEventType, CrmProfile, NormaliseInput, NormaliseResult, NormalisedEvent } from './types';
import { setupSteps } from './setupSteps';

/** Close names an event by `<object_type>.<action>`: `lead.created`, `activity.note.created`, `task.lead.updated`. */
const lifecycle = (canonical: string, source: string, label: string): CrmEventType[] =>
	['created', 'updated', 'deleted'].map((action) =>
		eventType(`${canonical}.${action}`, `${label} ${action[0].toUpperCase()}${action.slice(1)}`, `${source}.${action}`),
	);

/** The object types of Close's webhook event list. */
const EVENTS: CrmEventType[] = [
	...lifecycle('lead', 'lead', 'Lead'),
	eventType('lead.merged', 'Lead Merged', 'lead.merged'),
	...lifecycle('contact', 'contact', 'Contact'),
	...lifecycle('opportunity', 'opportunity', 'Opportunity'),
	...lifecycle('task', 'task.lead', 'Task'),
	...lifecycle('note', 'activity.note', 'Note'),
	...lifecycle('call', 'activity.call', 'Call'),
	...lifecycle('email', 'activity.email', 'Email'),
	...lifecycle('sms', 'activity.sms', 'SMS'),
	...lifecycle('meeting', 'activity.meeting', 'Meeting'),
	eventType('lead.status_changed', 'Lead Status Changed', 'activity.lead_status_change.created'),
	eventType('opportunity.status_changed', 'Opportunity Status Changed', 'activity.opportunity_status_change.created'),
];

/** Close allows no choice of scheme: only the credential's secret, the hex `signature_key`, is used. */
const adaptSigning = (): SigningConfig => ({
	scheme: 'hmac',
	headerName: 'close-sig-hash',
	algorithm: 'sha256',
	encoding: 'hex',
	prefix: '',
	signedContent: 'timestampBody',
	timestampHeaderName: 'close-sig-timestamp',
	keyEncoding: 'hex',
});

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	if (!isRecord(body) || !isRecord(body.event)) return { error: 'A Close webhook must be a JSON object with an "event" object' };
	const event = body.event;
	const objectType = idText(event.object_type);
	const action = idText(event.action);
	if (!objectType || !action) return { error: 'The Close event has no "object_type" and "action" naming it' };
	const { event: canonical, sourceEvent } = resolveEvent(EVENTS, `${objectType}.${action}`);
	const data = isRecord(event.data) ? event.data : {};
	const previous = isRecord(event.previous_data) && Object.keys(event.previous_data).length > 0 ? event.previous_data : undefined;
	const occurredAt = isoTime(event.date_created);
	return {
		events: [
			buildEvent(
				{
					event: canonical,
					sourceEvent,
					crm: 'close',
					...eventIdOf(idText(event.id), occurredAt, 'close', sourceEvent, event),
					occurredAt,
					object: { type: objectTypeOf(canonical), id: idText(event.object_id) ?? idText(data.id) },
					data,
					...(previous ? { previous } : {}),
					context: presentValues({
						subscriptionId: body.subscription_id,
						organizationId: event.organization_id,
						leadId: event.lead_id,
						userId: event.user_id,
						changedFields: event.changed_fields,
						updatedAt: event.date_updated,
					}),
				},
				input.receivedAt,
			),
		],
	};
}

/** A retry repeats the body; an event Close updated since carries a later date_updated. */
const dedupeKey = (event: NormalisedEvent): string =>
	typeof event.context.updatedAt === 'string' ? `${event.eventId}@${event.context.updatedAt}` : event.eventId;

export const close: CrmProfile = {
	id: 'close',
	displayName: 'Close',
	events: EVENTS,
	defaultAuthentication: 'signingSecret',
	supportedAuthentications: ['signingSecret', 'none'],
	adaptSigning,
	dedupeKey,
	httpMethods: ['POST'],
	// Retried for up to 72 hours (Close's webhook docs).
	retryWindowHours: 72,
	setupHint: setupSteps(
		'Close webhook',
		[
			'Create a webhook subscription with this URL as url and the events you want (Close API: POST /api/v1/webhook/, or Settings > Developer > Webhooks).',
			'Copy the signature_key from the response into a Webhook Signing Secret credential as it is (hex); close-sig-hash over close-sig-timestamp and the body is applied whatever the credential names.',
			'Pick that credential here and publish the workflow.',
		],
		'close-sig-timestamp must be within the replay window; a retry (same event.id and date_updated) is dropped.',
	),
	settings: [],
	normalise,
};
