import type { HeaderBag } from '../signatures/types';
import { compileJsonPath } from '../jsonPath';
import { beyondSafeInteger, exactDigits, exactJson } from './exactIntegers';

/** Where an event's unique id is found, for deduplication. */
export type EventIdSource = { from: 'header'; name: string } | { from: 'jsonPath'; path: string };

export interface EventIdInput {
	headers: HeaderBag;
	body: unknown;
	/** The JSON text `body` was parsed from; read again only for an id JSON.parse rounded. */
	jsonBytes?: Buffer;
}

export type EventIdReader = (input: EventIdInput) => string | undefined;

const MAX_ID_LENGTH = 1024;

const asId = (value: unknown): string | undefined => {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') return undefined;
	const id = value.trim();
	return id !== '' && id.length <= MAX_ID_LENGTH ? id : undefined;
};

/**
 * Compiles an id reader: a header (`webhook-id`, `X-Event-Id`) or a JSONPath over the parsed body
 * (`$.id`, `$.event.id`). Throws an Error naming `label` for an unusable setting.
 */
export function compileEventIdReader(source: EventIdSource, label = 'Event ID'): EventIdReader {
	if (source.from === 'header') {
		const name = source.name.trim().toLowerCase();
		if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) throw new Error(`${label}: "${source.name}" is not a valid header name`);
		return ({ headers }) => {
			const value = headers[name];
			return asId(Array.isArray(value) ? value[0] : value);
		};
	}
	const path = compileJsonPath(source.path, label);
	return ({ body, jsonBytes }) => {
		const value = path.first(body);
		// Two ids beyond 2^53 can round to one number, so such an id is the digits sent, found at the same path.
		if (jsonBytes !== undefined && beyondSafeInteger(value)) return asId(exactDigits(value, path.first(exactJson(jsonBytes))));
		return asId(value);
	};
}
