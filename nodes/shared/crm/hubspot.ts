/**
 * HubSpot (developers.hubspot.com: "Webhooks API", "Validating requests"): a POST whose body is a JSON array of
 * up to 100 events, each `{eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber,
 * objectId, ...}`. `subscriptionType` is `<object>.<action>` (`contact.creation`, `deal.propertyChange`), or
 * `object.<action>` with an `objectTypeId` for generic subscriptions. Each event becomes one normalised event;
 * `eventId` is the event id; HubSpot says it "is not guaranteed to be unique", so deduplication keys on the whole
 * event but its `attemptNumber`, which is all a retry changes. The signatures, keyed with
 * the app's client secret, are in hubspotSignature.ts. HubSpot retries a failed delivery up to 10 times over 24 hours.
 */
import {
	buildEvent,
	derivedEventId,
	eventIdOf,
	eventType,
	idText,
	isoTime,
	isRecord,
	presentValues,
	resolveEvent,
	without,
} from './events';
import { verifyHubSpot, LEGACY_HEADER, V3_HEADER } from './hubspotSignature';
import { bodyValue } from './records';
import { setupSteps } from './setupSteps';
import type { CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult, NormalisedEvent, SecretVerification } from './types';

/** HubSpot's action words, with the canonical action and the label the event filter shows. */
const ACTIONS: Array<[source: string, canonical: string, label: string]> = [
	['creation', 'created', 'Created'],
	['propertyChange', 'updated', 'Updated (Property Change)'],
	['deletion', 'deleted', 'Deleted'],
	['merge', 'merged', 'Merged'],
	['restore', 'restored', 'Restored'],
	['associationChange', 'association_changed', 'Association Changed'],
];

/** The objects of HubSpot's CRM subscriptions, under their generic `objectTypeId`. */
const OBJECTS: Array<[name: string, label: string, objectTypeId: string]> = [
	['contact', 'Contact', '0-1'],
	['company', 'Company', '0-2'],
	['deal', 'Deal', '0-3'],
	['ticket', 'Ticket', '0-5'],
	['product', 'Product', '0-7'],
	['line_item', 'Line Item', '0-8'],
];

const OBJECT_BY_TYPE_ID = new Map(OBJECTS.map(([name, , typeId]) => [typeId, name]));

const EVENTS: CrmEventType[] = [
	...OBJECTS.flatMap(([name, label]) =>
		ACTIONS.map(([source, canonical, action]) => eventType(`${name}.${canonical}`, `${label} ${action}`, `${name}.${source}`)),
	),
	eventType('contact.privacy_deleted', 'Contact Privacy Deletion', 'contact.privacyDeletion'),
	eventType('conversation.created', 'Conversation Created', 'conversation.creation'),
	eventType('conversation.updated', 'Conversation Updated (Property Change)', 'conversation.propertyChange'),
	eventType('conversation.deleted', 'Conversation Deleted', 'conversation.deletion'),
	eventType('conversation.privacy_deleted', 'Conversation Privacy Deletion', 'conversation.privacyDeletion'),
	eventType('conversation.message_received', 'Conversation New Message', 'conversation.newMessage'),
	// Generic subscriptions to an object without a name of its own here (custom objects, leads, ...).
	...ACTIONS.map(([source, canonical, action]) => eventType(`object.${canonical}`, `Other Object ${action}`, `object.${source}`)),
];

/** Envelope keys: they become `event`, `eventId`, `occurredAt` and `context`, not part of `data`. */
const ENVELOPE = ['eventId', 'subscriptionId', 'portalId', 'appId', 'occurredAt', 'subscriptionType', 'attemptNumber'];

/** A generic `object.creation` of a known objectTypeId is named as its legacy form, `contact.creation`. */
function lookupName(subscriptionType: string, objectTypeId: unknown): string {
	const [object, action] = subscriptionType.split('.');
	const named = object === 'object' && typeof objectTypeId === 'string' ? OBJECT_BY_TYPE_ID.get(objectTypeId) : undefined;
	return named && action ? `${named}.${action}` : subscriptionType;
}

function toEvent(record: JsonObject, input: NormaliseInput): NormalisedEvent {
	const subscriptionType = idText(record.subscriptionType) ?? 'unknown';
	const canonical = resolveEvent(EVENTS, lookupName(subscriptionType, record.objectTypeId)).event;
	const occurredAt = isoTime(record.occurredAt);
	return buildEvent(
		{
			event: canonical,
			sourceEvent: subscriptionType,
			crm: 'hubspot',
			...eventIdOf(idText(record.eventId), occurredAt, 'hubspot', subscriptionType, record),
			occurredAt,
			object: { type: canonical.split('.')[0], id: idText(record.objectId) ?? idText(record.fromObjectId) },
			data: without(record, ENVELOPE),
			context: presentValues({
				portalId: record.portalId,
				appId: record.appId,
				subscriptionId: record.subscriptionId,
				attemptNumber: record.attemptNumber,
			}),
		},
		input.receivedAt,
	);
}

/**
 * A hash of the event without `attemptNumber`: a retry repeats everything else, and two events sharing an
 * eventId differ in their account, subscription, record, time or values.
 */
const dedupeKey = (event: NormalisedEvent): string =>
	derivedEventId(
		'hubspot',
		event.eventId,
		event.sourceEvent,
		event.occurredAt,
		event.object,
		event.data,
		without(event.context, ['attemptNumber']),
	);

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	if (!Array.isArray(body)) return { error: 'A HubSpot webhook must be a JSON array of events' };
	return { events: body.filter(isRecord).map((record) => toEvent(record, input)) };
}

const secretVerification: SecretVerification = {
	verify: ({ headers, rawBody, settings, options, secrets, request }) =>
		verifyHubSpot({ ...request, headers, rawBody }, secrets, settings.hubspotSignatureVersions ?? 'v3', options),
	signatureHeaders: [V3_HEADER.toLowerCase(), LEGACY_HEADER.toLowerCase()],
	signsUrl: true,
};

export const hubspot: CrmProfile = {
	id: 'hubspot',
	displayName: 'HubSpot',
	events: EVENTS,
	defaultAuthentication: 'signingSecret',
	supportedAuthentications: ['signingSecret', 'none'],
	secretVerification,
	dedupeKey,
	httpMethods: ['POST'],
	// Up to 10 retries spread over 24 hours (HubSpot's Webhooks API guide).
	retryWindowHours: 24,
	setupHint: setupSteps(
		'HubSpot app webhooks',
		[
			'In your HubSpot app’s Webhooks settings (or the targetUrl of its webhooks configuration), set the target URL to this Production URL and subscribe to the events you want.',
			'Copy the app’s Client secret (its Auth settings) into a Webhook Signing Secret credential; HubSpot’s X-HubSpot-Signature-v3 is applied whatever the credential names.',
			'HubSpot signs the URL it calls: if n8n is behind a reverse proxy, set n8n’s WEBHOOK_URL to the public address, or set Signed URL From to Forwarded Headers and list the proxy in Options › Trusted Proxies.',
			'Pick that credential here and publish the workflow.',
		],
		'Each event of a request (up to 100) becomes one item; a retry of an event is dropped (eventId alone is not unique, so the whole event is compared), and X-HubSpot-Request-Timestamp must be within the replay window.',
	),
	settings: ['hubspotSignatureVersions', 'signedUrlFrom'],
	normalise,
};
