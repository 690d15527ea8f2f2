/**
 * Any other CRM: JSONPath settings say where the event type, event id, time, object and record are.
 * The defaults fit the common `{id, type, timestamp, data: {id, …}}` envelope.
 */
import { singleHeader } from '../signatures/types';
import { buildEvent, eventIdOf, idText, isoTime, isRecord, objectTypeOf, resolveEvent } from './events';
import { readPath } from './paths';
import { bodyValue, recordsOf } from './records';
import type { CrmProfile, JsonObject, NormaliseInput, NormaliseResult, NormalisedEvent } from './types';
import { setupSteps } from './setupSteps';

/** Used where a setting is absent; an empty setting turns that path off. */
export const CUSTOM_PATH_DEFAULTS = {
	eventTypePath: '$.type',
	eventIdPath: '$.id',
	timestampPath: '$.timestamp',
	objectTypePath: '',
	objectIdPath: '$.data.id',
	dataPath: '$.data',
};

function toEvent(record: JsonObject, input: NormaliseInput): NormalisedEvent | { error: string } {
	const settings = { ...input.settings };
	for (const [key, fallback] of Object.entries(CUSTOM_PATH_DEFAULTS)) {
		const name = key as keyof typeof CUSTOM_PATH_DEFAULTS;
		settings[name] = settings[name] ?? fallback;
	}
	const type = idText(readPath(record, settings.eventTypePath));
	if (!type) return { error: `The request has no event type at ${settings.eventTypePath}` };
	const { event, sourceEvent } = resolveEvent([], type);
	const selected = readPath(record, settings.dataPath);
	const data = isRecord(selected) ? selected : record;
	const deliveryId = settings.eventIdHeader ? singleHeader(input.headers, settings.eventIdHeader) : undefined;
	const sentId = (typeof deliveryId === 'string' ? idText(deliveryId) : null) ?? idText(readPath(record, settings.eventIdPath));
	const occurredAt = isoTime(readPath(record, settings.timestampPath));
	return buildEvent(
		{
			event,
			sourceEvent,
			crm: 'custom',
			...eventIdOf(sentId, occurredAt, 'custom', sourceEvent, record),
			occurredAt,
			object: {
				type: idText(readPath(record, settings.objectTypePath)) ?? objectTypeOf(event),
				id: idText(readPath(record, settings.objectIdPath)),
			},
			data,
		},
		input.receivedAt,
	);
}

function normalise(input: NormaliseInput): NormaliseResult {
	const events: NormalisedEvent[] = [];
	for (const record of recordsOf(bodyValue(input))) {
		const result = toEvent(record, input);
		if ('error' in result) return result;
		events.push(result);
	}
	return { events };
}

export const custom: CrmProfile = {
	id: 'custom',
	displayName: 'Custom',
	events: [],
	defaultAuthentication: 'signingSecret',
	supportedAuthentications: ['signingSecret', 'apiKey', 'bearerToken', 'basicAuth', 'none'],
	httpMethods: ['POST', 'PUT', 'PATCH'],
	setupHint: setupSteps(
		'Any other CRM',
		[
			'Paste this URL where the CRM sends webhooks.',
			'Choose the Authentication it supports and pick the matching credential.',
			'Set the JSONPath of the event type, event id, time, object and record below (evaluated on the body, or on each element of a JSON array).',
		],
		'Event names become lowercase and dotted (ContactCreated → contact.created).',
	),
	settings: ['eventTypePath', 'eventIdPath', 'eventIdHeader', 'timestampPath', 'objectTypePath', 'objectIdPath', 'dataPath'],
	normalise,
};
