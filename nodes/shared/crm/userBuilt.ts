/**
 * CRMs whose workflow actions send a body the user builds (Freshsales "Trigger Webhook", Vtiger "Webhook"):
 * there is no event field and no id, so the event comes from the node's settings (one fixed event per URL)
 * or from a field or query parameter the user names, and the event id is a hash of the record.
 */
import { buildEvent, eventIdOf, idText, isoTime, isRecord, objectTypeOf, resolveEvent } from './events';
import { readPath } from './paths';
import { bodyValue, expandDottedKeys, queryRecord, recordsOf } from './records';
import type { CrmEventType, ProfileParameters, JsonObject, NormaliseInput, NormaliseResult, NormalisedEvent } from './types';

/** The settings both profiles show. */
export const USER_BUILT_SETTINGS: Array<keyof ProfileParameters> = [
	'eventSource',
	'fixedEvent',
	'eventField',
	'eventQueryParameter',
	'objectIdField',
	'timestampField',
	'arrayMode',
];

export interface UserBuiltOptions {
	crm: string;
	events: CrmEventType[];
	/** Vtiger maps array parameters with dots (`deals.0.name`), which become nested values. */
	expandDottedKeys: boolean;
}

const queryText = (value: unknown): string | undefined => {
	const single = Array.isArray(value) ? value[0] : value;
	return typeof single === 'string' && single.trim() !== '' ? single : undefined;
};

/** The records of a request; a GET request carries its parameters in the query string instead of a body. */
function requestRecords(input: NormaliseInput, arrayMode: ProfileParameters['arrayMode']): JsonObject[] {
	const value = bodyValue(input);
	if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
		const record = queryRecord(input.query, [input.settings.eventQueryParameter]);
		return record ? [record] : [];
	}
	if (Array.isArray(value) && arrayMode === 'single') return value.length > 0 ? [{ records: value }] : [];
	return recordsOf(value);
}

/** Where event name, id and time are read: the record, or for a kept-together array its first element. */
const primaryOf = (record: JsonObject): JsonObject =>
	Array.isArray(record.records) && isRecord(record.records[0]) && Object.keys(record).length === 1 ? record.records[0] : record;

function eventName(record: JsonObject, input: NormaliseInput): string | { error: string } {
	const { settings } = input;
	switch (settings.eventSource ?? 'fixed') {
		case 'field': {
			const name = idText(readPath(record, settings.eventField));
			return name ?? { error: `The request has no "${settings.eventField ?? ''}" field naming the event` };
		}
		case 'query': {
			const name = queryText(input.query[settings.eventQueryParameter ?? '']);
			return name ?? { error: `The URL has no "${settings.eventQueryParameter ?? ''}" query parameter naming the event` };
		}
		default:
			return settings.fixedEvent?.trim() || { error: 'Choose the event this URL receives (Event setting)' };
	}
}

export function normaliseUserBuilt(input: NormaliseInput, options: UserBuiltOptions): NormaliseResult {
	const { settings } = input;
	const records = requestRecords(input, settings.arrayMode);
	const events: NormalisedEvent[] = [];
	for (const received of records) {
		const record = options.expandDottedKeys ? expandDottedKeys(received) : received;
		const primary = primaryOf(record);
		const name = eventName(primary, input);
		if (typeof name !== 'string') return name;
		const { event, sourceEvent } = resolveEvent(options.events, name);
		const occurredAt = settings.timestampField ? isoTime(readPath(primary, settings.timestampField)) : undefined;
		events.push(
			buildEvent(
				{
					event,
					sourceEvent,
					crm: options.crm,
					// No id is sent: the record's hash, as specific as an id when the Time Field gives the change's time.
					...eventIdOf(null, occurredAt, options.crm, sourceEvent, record),
					occurredAt,
					object: { type: objectTypeOf(event), id: idText(readPath(primary, settings.objectIdField || 'id')) },
					data: record,
				},
				input.receivedAt,
			),
		);
	}
	return { events };
}
