/**
 * Zoho CRM notifications (www.zoho.com/crm/developer/docs/api/v8/notifications/enable.html): a channel enabled
 * with POST /crm/v8/actions/watch sends `{server_time, query_params, module, resource_uri, ids, affected_fields,
 * operation, channel_id, token}` to its notify_url. Zoho signs nothing: the channel's `token` is echoed in the body
 * and compared in constant time with the credential's key (auth.ts, `location: 'body'`); it never reaches the
 * output. Each id becomes one event, like Attio's events and LeadSquared's activities. Zoho sends no event id, so
 * the id is a hash of channel_id, server_time, the notification's ids and the record's id.
 */
import type { CredentialData } from '../auth';
import {
	buildEvent,
	derivedEventId,
	eventIdOf,
	eventType,
	idText,
	isoTime,
	isRecord,
	nameWord,
	objectKey,
	objectTypeOf,
	presentValues,
} from './events';
import { bodyValue } from './records';
import { setupSteps } from './setupSteps';
import type { CrmAuthentication, CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult } from './types';

/** Module API names → canonical object names; a custom module keeps its API name, lower-cased. */
const MODULES: ReadonlyArray<[string, string, string]> = [
	['Leads', 'lead', 'Lead'],
	['Contacts', 'contact', 'Contact'],
	['Accounts', 'account', 'Account'],
	['Deals', 'deal', 'Deal'],
	['Tasks', 'task', 'Task'],
	['Events', 'meeting', 'Meeting'],
	['Calls', 'call', 'Call'],
	['Cases', 'case', 'Case'],
	['Campaigns', 'campaign', 'Campaign'],
	['Products', 'product', 'Product'],
	['Quotes', 'quote', 'Quote'],
	['Sales_Orders', 'sales_order', 'Sales Order'],
	['Purchase_Orders', 'purchase_order', 'Purchase Order'],
	['Invoices', 'invoice', 'Invoice'],
	['Vendors', 'vendor', 'Vendor'],
	['Price_Books', 'price_book', 'Price Book'],
	['Solutions', 'solution', 'Solution'],
	['Appointments', 'appointment', 'Appointment'],
	['Services', 'service', 'Service'],
];

/** The `operation` of a notification; `events` subscribe to create/edit/delete, the body says insert/update/delete. */
const OPERATIONS = new Map<string, string>([
	['insert', 'created'],
	['update', 'updated'],
	['delete', 'deleted'],
]);

const capitalised = (word: string) => `${word[0].toUpperCase()}${word.slice(1)}`;

const EVENTS: CrmEventType[] = MODULES.flatMap(([module, canonical, label]) =>
	[...OPERATIONS].map(([operation, action]) =>
		eventType(`${canonical}.${action}`, `${label} ${capitalised(action)}`, `${module}.${operation}`),
	),
);

function eventName(module: string, operation: string): string {
	const known = MODULES.find(([name]) => name.toLowerCase() === module.toLowerCase());
	const object = known ? known[1] : objectKey(module);
	const action = OPERATIONS.get(operation.toLowerCase()) ?? (nameWord(operation) || 'changed');
	return `${object}.${action}`;
}

/**
 * The entries of a per-record list (`affected_fields: [{"<id>": [...]}]`, `affected_values: [{record_id, values}]`)
 * by record id, read once for the whole notification: a bulk change names thousands of ids.
 */
function entriesById(list: unknown): Map<string, unknown> {
	const entries = new Map<string, unknown>();
	if (!Array.isArray(list)) return entries;
	for (const entry of list.filter(isRecord)) {
		const recordId = idText(entry.record_id);
		if (recordId !== null && !entries.has(recordId)) entries.set(recordId, entry.values ?? entry);
		for (const key of Object.keys(entry)) if (key !== 'record_id' && key !== 'values' && !entries.has(key)) entries.set(key, entry[key]);
	}
	return entries;
}

/** The token travels in the body, whatever the credential's Send In and Name say. */
function adaptCredential(authentication: CrmAuthentication, credential: CredentialData): CredentialData {
	return authentication === 'apiKey' ? { ...credential, location: 'body', name: 'token' } : credential;
}

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	if (!isRecord(body) || !Array.isArray(body.ids)) return { error: 'A Zoho CRM notification must be a JSON object with an "ids" array' };
	const module = idText(body.module);
	const operation = idText(body.operation);
	if (!module || !operation) return { error: 'The Zoho CRM notification has no "module" and "operation" naming it' };
	const event = eventName(module, operation);
	const occurredAt = isoTime(body.server_time);
	const ids = body.ids.map(idText).filter((id): id is string => id !== null);
	// The ids are hashed once and counted in the context: each event carrying them all would grow with their square.
	const idsDigest = derivedEventId('zoho', ids);
	const [affectedFields, affectedValues] = [entriesById(body.affected_fields), entriesById(body.affected_values)];
	const context = presentValues({
		channelId: idText(body.channel_id),
		module,
		operation,
		resourceUri: body.resource_uri,
		idCount: ids.length,
		queryParams: isRecord(body.query_params) && Object.keys(body.query_params).length > 0 ? body.query_params : undefined,
	});
	return {
		events: ids.map((id) => {
			const data: JsonObject = presentValues({
				id,
				affectedFields: affectedFields.get(id),
				affectedValues: affectedValues.get(id),
			});
			return buildEvent(
				{
					event,
					sourceEvent: `${module}.${operation}`,
					crm: 'zoho',
					// server_time is the time of the change: the hash is as specific as an id.
					...eventIdOf(null, occurredAt, 'zoho', idText(body.channel_id), body.server_time, idsDigest, id),
					occurredAt,
					object: { type: objectTypeOf(event), id },
					data,
					context,
				},
				input.receivedAt,
			);
		}),
	};
}

export const zoho: CrmProfile = {
	id: 'zoho',
	displayName: 'Zoho CRM',
	events: EVENTS,
	defaultAuthentication: 'apiKey',
	supportedAuthentications: ['apiKey', 'none'],
	adaptCredential,
	authenticationLabels: {
		apiKey: { name: 'Channel Token', description: 'The token of the notification channel, which Zoho echoes in every notification body' },
	},
	httpMethods: ['POST'],
	setupHint: setupSteps(
		'Zoho CRM notification channel',
		[
			'Choose a token (up to 50 characters) and save it as the API Key of a Webhook Key Auth API credential; Send In and Name are ignored, the token is read from the body.',
			'Enable a channel: POST /crm/v8/actions/watch with {"watch":[{"channel_id":"<id>","events":["Leads.all","Deals.edit"],"notify_url":"<this URL>","token":"<token>","channel_expiry":"<ISO time>"}]} (scope ZohoCRM.notifications.CREATE).',
			'channel_expiry is at most one week ahead; without it the channel expires after one hour. Renew before it passes: a scheduled n8n workflow that sends PATCH /crm/v8/actions/watch with a new channel_expiry (and the same token) every few days.',
			'Pick that credential here and publish the workflow.',
		],
		'Each record id of a notification becomes one item; the token is checked and dropped, never output.',
	),
	settings: [],
	normalise,
};
