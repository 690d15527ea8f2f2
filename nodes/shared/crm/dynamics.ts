/**
 * Microsoft Dynamics 365 / Dataverse webhooks (learn.microsoft.com/power-apps/developer/data-platform/use-webhooks):
 * a step registered on a message (Create, Update, Delete …) of a table POSTs the `RemoteExecutionContext` as JSON.
 * Dataverse signs nothing; the registration's authentication type sends a key: HttpHeader (key/value headers),
 * WebhookKey (`?code=<key>`) or HttpQueryString (key/value query parameters). The Webhook Key Auth API credential
 * holds the name and the value; `dynamicsAuthType` decides where they travel. `x-request-id` is the event id, then
 * the body's RequestId and OperationId.
 */
import type { CredentialData } from '../auth';
import { singleHeader } from '../signatures/types';
import { isoString } from '../isoString';
import { isPrototypeKey } from '../prototypeKeys';
import { buildEvent, eventIdOf, eventType, idText, isoTime, isRecord, nameWord, presentValues } from './events';
import { bodyValue } from './records';
import { setupSteps } from './setupSteps';
import type { CrmAuthentication, CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult, ProfileParameters } from './types';

/** Messages → canonical actions; any other message becomes its own lower-case word (`Associate` → `associate`). */
const MESSAGE_ACTIONS = new Map<string, string>([
	['create', 'created'],
	['update', 'updated'],
	['delete', 'deleted'],
	['assign', 'assigned'],
	['setstate', 'state_changed'],
	['setstatedynamicentity', 'state_changed'],
	['merge', 'merged'],
	['win', 'won'],
	['lose', 'lost'],
	['qualifylead', 'qualified'],
]);

const TABLES: ReadonlyArray<[string, string]> = [
	['account', 'Account'],
	['contact', 'Contact'],
	['lead', 'Lead'],
	['opportunity', 'Opportunity'],
	['incident', 'Case'],
	['task', 'Task'],
	['phonecall', 'Phone Call'],
	['appointment', 'Appointment'],
	['email', 'Email'],
	['quote', 'Quote'],
	['salesorder', 'Order'],
	['invoice', 'Invoice'],
];

const EVENTS: CrmEventType[] = [
	...TABLES.flatMap(([table, label]) =>
		['Create', 'Update', 'Delete'].map((message) => {
			const action = MESSAGE_ACTIONS.get(message.toLowerCase()) ?? message;
			return eventType(`${table}.${action}`, `${label} ${message}d`, `${table}.${message}`);
		}),
	),
	eventType('opportunity.won', 'Opportunity Won', 'opportunity.Win'),
	eventType('opportunity.lost', 'Opportunity Lost', 'opportunity.Lose'),
	eventType('lead.qualified', 'Lead Qualified', 'lead.QualifyLead'),
];

/** `/Date(1495572565000)/`, the WCF date Dataverse's context uses, or any time isoTime reads. */
export function dataverseTime(value: unknown): string | undefined {
	const match = typeof value === 'string' ? /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value.trim()) : null;
	if (!match) return isoTime(value);
	const date = new Date(Number(match[1]));
	// Beyond JavaScript's ±8.64e15 ms a date is invalid: no time, rather than a throw answered 500.
	return Number.isNaN(date.getTime()) ? undefined : isoString(date);
}

/** A serialized attribute value as a plain one: OptionSetValue and Money as their Value, EntityReference as its ids. */
function plainValue(value: unknown): unknown {
	if (typeof value === 'string') return value.startsWith('/Date(') ? (dataverseTime(value) ?? value) : value;
	if (!isRecord(value)) return value;
	if ('LogicalName' in value && 'Id' in value) return presentValues({ id: value.Id, logicalName: value.LogicalName, name: value.Name });
	if ('Value' in value && Object.keys(value).every((key) => key === 'Value' || key === '__type')) return value.Value;
	return value;
}

/** A `[{key, value}]` collection (Attributes, InputParameters, images) as an object. */
function keyValues(list: unknown): JsonObject {
	const result: JsonObject = {};
	if (!Array.isArray(list)) return result;
	for (const entry of list.filter(isRecord)) {
		const key = idText(entry.key);
		if (key && !isPrototypeKey(key)) result[key] = entry.value;
	}
	return result;
}

const attributesOf = (entity: unknown): JsonObject | undefined => {
	if (!isRecord(entity) || !Array.isArray(entity.Attributes)) return undefined;
	return Object.fromEntries(Object.entries(keyValues(entity.Attributes)).map(([key, value]) => [key, plainValue(value)]));
};

/** The key travels where the registration's authentication type puts it; WebhookKey always as `code`. */
function adaptCredential(authentication: CrmAuthentication, credential: CredentialData, settings: ProfileParameters): CredentialData {
	if (authentication !== 'apiKey') return credential;
	switch (settings.dynamicsAuthType) {
		case 'WebhookKey':
			return { ...credential, location: 'query', name: 'code' };
		case 'HttpQueryString':
			return { ...credential, location: 'query' };
		default:
			return { ...credential, location: 'header' };
	}
}

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** An id, but not the empty GUID a context carries where it has none (a synchronous step's OperationId). */
const guidText = (value: unknown): string | null => {
	const id = idText(value);
	return id === EMPTY_GUID ? null : id;
};

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	if (!isRecord(body)) return { error: 'A Dataverse webhook must be a JSON RemoteExecutionContext object' };
	const message = idText(body.MessageName);
	const table = idText(body.PrimaryEntityName)?.toLowerCase();
	if (!message || !table) return { error: 'The Dataverse context has no "MessageName" and "PrimaryEntityName" naming the event' };
	const action = MESSAGE_ACTIONS.get(message.toLowerCase()) ?? (nameWord(message) || 'changed');
	const target = keyValues(body.InputParameters).Target;
	// Create and Update carry the Entity with its changed attributes; Delete an EntityReference.
	const data = attributesOf(target) ?? (isRecord(target) ? (plainValue(target) as JsonObject) : {});
	const [preImage] = Object.values(keyValues(body.PreEntityImages));
	const previous = attributesOf(preImage);
	const occurredAt = dataverseTime(body.OperationCreatedOn);
	const sentId = guidText(singleHeader(input.headers, 'x-request-id')) ?? guidText(body.RequestId) ?? guidText(body.OperationId);
	return {
		events: [
			buildEvent(
				{
					event: `${table}.${action}`,
					sourceEvent: `${table}.${message}`,
					crm: 'dynamics',
					...eventIdOf(sentId, occurredAt, 'dynamics', message, table, body.PrimaryEntityId, body.CorrelationId),
					occurredAt,
					object: { type: table, id: idText(body.PrimaryEntityId) },
					data,
					...(previous ? { previous } : {}),
					context: presentValues({
						messageName: message,
						organizationId: body.OrganizationId,
						organizationName: body.OrganizationName,
						userId: body.UserId,
						initiatingUserId: body.InitiatingUserId,
						businessUnitId: body.BusinessUnitId,
						correlationId: body.CorrelationId,
						requestId: body.RequestId,
						operationId: body.OperationId,
						stage: body.Stage,
						depth: body.Depth,
					}),
				},
				input.receivedAt,
			),
		],
	};
}

export const dynamics: CrmProfile = {
	id: 'dynamics',
	displayName: 'Dynamics 365',
	events: EVENTS,
	defaultAuthentication: 'apiKey',
	supportedAuthentications: ['apiKey', 'none'],
	adaptCredential,
	authenticationLabels: {
		apiKey: { name: 'Webhook Key', description: 'The key of the webhook registration: a header, ?code= or a query parameter' },
	},
	httpMethods: ['POST'],
	setupHint: setupSteps(
		'Dataverse webhook (Plug-in Registration Tool > Register New Web Hook)',
		[
			'Set Endpoint URL to this URL and pick an Authentication: HttpHeader (a key and value sent as a header), WebhookKey (a value sent as ?code=) or HttpQueryString (a key and value sent as a query parameter).',
			'Save the value as the API Key of a Webhook Key Auth API credential, with the key as its Name (not needed for WebhookKey); choose the same type below.',
			'Register a step on the webhook for a message (Create, Update, Delete …) and a table, asynchronous unless the change must wait for n8n.',
			'Pick that credential here and publish the workflow.',
		],
		'x-request-id drops retries; the key never reaches the output (its header is redacted, ?code= is removed).',
	),
	settings: ['dynamicsAuthType'],
	normalise,
};
