import type { EncodeOptions, EncodedBody, Encoding } from './encoders';
import { CONTENT_TYPES, encodeValue } from './encoders';
import { OutboundConfigError } from './errors';
import { hasOwn } from '../prototypeKeys';
import { parsePath, setPath } from './paths';
import type { CompiledTemplate, MissingTagPolicy } from './template';
import { renderTemplate } from './template';

export type ContentMode = 'fields' | 'wholeItem' | 'template' | 'none';

export interface FieldEntry {
	name: string;
	value: unknown;
}

/**
 * Keys this node adds to a Delivered or Failed item; removed again when such an item reaches an
 * Outbound Webhook node. Retry Later items of older versions of the node carried them too.
 */
export const OWN_KEYS = ['delivery', 'response', 'captured', 'error'] as const;
const DELIVERY_STATUSES = new Set(['delivered', 'retry_later', 'failed']);
/**
 * In the record of a Retry Later item whose other fields are its input's, unchanged: only `delivery`
 * was added (the last answer is inside it), so taking it away again gives back the exact input.
 */
const INPUT_UNCHANGED = 'inputUnchanged';
/** The input's own `delivery` field, which the record of a Retry Later item took the place of. */
const INPUT_DELIVERY = 'inputDelivery';

/** True when `json.delivery` was written by an Outbound Webhook node. */
export function hasDeliveryRecord(json: Record<string, unknown>): boolean {
	const delivery = json.delivery as Record<string, unknown> | undefined;
	return (
		typeof delivery === 'object' &&
		delivery !== null &&
		DELIVERY_STATUSES.has(delivery.status as string) &&
		typeof delivery.idempotencyKey === 'string'
	);
}

/** The item's data without what an Outbound Webhook node added to it. */
export function withoutOwnKeys(json: Record<string, unknown>): Record<string, unknown> {
	if (!hasDeliveryRecord(json)) return json;
	const delivery = json.delivery as Record<string, unknown>;
	const copy = { ...json };
	if (delivery[INPUT_UNCHANGED] === true) {
		// Assigned in place, so the input's keys keep their order and the body its bytes.
		if (hasOwn(delivery, INPUT_DELIVERY)) copy.delivery = delivery[INPUT_DELIVERY];
		else delete copy.delivery;
		return copy;
	}
	for (const key of OWN_KEYS) delete copy[key];
	return copy;
}

/** True for a Retry Later item of the node `nodeId`, which that node resumes. */
export function isRetryLaterOf(json: Record<string, unknown>, nodeId: string): boolean {
	if (!hasDeliveryRecord(json)) return false;
	const delivery = json.delivery as Record<string, unknown>;
	return delivery.status === 'retry_later' && delivery.node === nodeId;
}

/**
 * The item as it first came into the node `nodeId`: a Retry Later item of that node without its
 * record, so a resumed request is built from the same data as the first attempt.
 */
export function inputOf(json: Record<string, unknown>, nodeId: string): Record<string, unknown> {
	return isRetryLaterOf(json, nodeId) ? withoutOwnKeys(json) : json;
}

/**
 * A Retry Later item: the input's fields unchanged (n8n evaluates the node's expressions against them
 * when the item comes back), and the record first, or in the place of an input field of its name.
 */
export function retryLaterJson(input: Record<string, unknown>, record: Record<string, unknown>): Record<string, unknown> {
	if (!hasOwn(input, 'delivery')) return { delivery: { ...record, [INPUT_UNCHANGED]: true }, ...input };
	return { ...input, delivery: { ...record, [INPUT_UNCHANGED]: true, [INPUT_DELIVERY]: input.delivery } };
}

/** Name/value pairs as an object; dotted names nest, as Vtiger maps fields: `deal.amount` → {deal:{amount}}. */
export function buildFieldsObject(fields: readonly FieldEntry[], field = 'Fields'): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	for (const entry of fields) {
		const name = String(entry.name ?? '').trim();
		if (name === '') throw new OutboundConfigError(field, `${field} has a row without a name`, 'Fill in the name or remove the row');
		setPath(body, parsePath(name, field), entry.value, field, name);
	}
	return body;
}

export type ContentSpec =
	| { mode: 'none' }
	| { mode: 'fields'; fields: readonly FieldEntry[] }
	| { mode: 'wholeItem'; json: Record<string, unknown> }
	| { mode: 'template'; template: CompiledTemplate; json: Record<string, unknown>; missing: MissingTagPolicy };

/** The content of one item as a value (what the JSON array collects). */
export function contentValue(spec: ContentSpec, encoding: Encoding): unknown {
	switch (spec.mode) {
		case 'none':
			return undefined;
		case 'fields':
			return buildFieldsObject(spec.fields);
		case 'wholeItem':
			return withoutOwnKeys(spec.json);
		case 'template': {
			const text = renderTemplate(spec.template, withoutOwnKeys(spec.json), encoding, spec.missing);
			return encoding === 'jsonArray' ? JSON.parse(text) : text;
		}
	}
}

/** Body of a request that carries one item (every encoding except JSON Array). */
export function buildBody(spec: ContentSpec, encoding: Encoding, options: EncodeOptions): EncodedBody | undefined {
	if (spec.mode === 'none') return undefined;
	const value = contentValue(spec, encoding);
	// A rendered template is already encoded for its content type.
	if (spec.mode === 'template') return { body: Buffer.from(value as string, 'utf8'), contentType: CONTENT_TYPES[encoding] };
	return encodeValue(value, encoding, options);
}

/** One item's element of a JSON Array request (null for an item without content). Throws for this item alone. */
export const arrayElement = (spec: ContentSpec): unknown => contentValue(spec, 'jsonArray') ?? null;

/** Body of a JSON Array request from its elements, as Vtiger's JSONARRAY sends it. */
export function arrayBodyOf(elements: readonly unknown[]): EncodedBody {
	return { body: Buffer.from(JSON.stringify(elements), 'utf8'), contentType: CONTENT_TYPES.jsonArray };
}

/** Body of a JSON Array request: every item's content in one array. */
export function buildArrayBody(specs: readonly ContentSpec[]): EncodedBody {
	return arrayBodyOf(specs.map(arrayElement));
}
