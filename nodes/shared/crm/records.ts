/**
 * Turning a parsed body into records: text that holds JSON, XML's root element, JSON arrays, and the
 * dotted form keys Vtiger uses for nested values.
 */
import { parseJsonText } from '../http/jsonText';
import { hasOwn, isPrototypeKey } from '../prototypeKeys';
import { isRecord } from './events';
import type { JsonObject, NormaliseInput } from './types';

/**
 * The body's value: undefined for an empty body (which the shared parser reads as `{}`), JSON for a text
 * body that holds JSON (LeadSquared's text/plain content type), and XML's root element unwrapped.
 */
export function bodyValue({ body, bodyKind, rawBody }: Pick<NormaliseInput, 'body' | 'bodyKind' | 'rawBody'>): unknown {
	if (rawBody.length === 0) return undefined;
	if (bodyKind === 'xml') return unwrapXml(body);
	if (typeof body !== 'string') return body;
	const text = body.trim();
	if (text === '') return undefined;
	const json = bodyKind === 'text' ? parseJsonText(text) : undefined;
	return json ? json.value : body;
}

/** `records`/`record`, `entries`/`entry`, `addresses`/`address`: a root named as a list of its child. */
const isPluralOf = (plural: string, singular: string) =>
	plural === `${singular}s` || plural === `${singular}es` || (singular.endsWith('y') && plural === `${singular.slice(0, -1)}ies`);

/**
 * XML arrives as `{ root: {...} }`: the root element's name says nothing about the event, so its content is
 * the record. A root that only repeats one child (`<records><record/><record/></records>`) is a list. The
 * parser gives a single child as an object, not a one-element array, so a list of one is recognised by its
 * names (`<records><record/></records>`); a record whose only field is an element (`<lead><address/></lead>`)
 * stays a record.
 */
function unwrapXml(body: unknown): unknown {
	if (!isRecord(body)) return body;
	const keys = Object.keys(body);
	if (keys.length !== 1) return body;
	const root = body[keys[0]];
	if (!isRecord(root)) return typeof root === 'string' && root.trim() !== '' ? { value: root } : {};
	const children = Object.keys(root);
	if (children.length !== 1) return root;
	const only = root[children[0]];
	if (Array.isArray(only)) return only;
	if (isRecord(only) && isPluralOf(keys[0], children[0])) return [only];
	return root;
}

/**
 * The record of a request without a body: a workflow action sent as GET (or DELETE) carries its fields in
 * the query string. `omit` names parameters that are not record fields (the event name's); undefined when
 * no field is left.
 */
export function queryRecord(query: Record<string, unknown>, omit: ReadonlyArray<string | undefined> = []): JsonObject | undefined {
	const record = { ...query };
	for (const name of omit) if (name) delete record[name];
	return Object.keys(record).length > 0 ? record : undefined;
}

/** Records of a body: an array gives one record per element; anything else one record. */
export function recordsOf(value: unknown): JsonObject[] {
	if (value === undefined || value === null) return [];
	const items = Array.isArray(value) ? value : [value];
	return items.map((item) => (isRecord(item) ? item : { value: item }));
}

const MAX_SEGMENTS = 10;
const MAX_INDEX = 999;

function pathSegments(key: string): string[] | undefined {
	if (!/[.[]/.test(key)) return undefined;
	const segments = key
		.replace(/\[([^\]]*)\]/g, '.$1')
		.split('.')
		.filter((segment) => segment !== '');
	if (segments.length < 2 || segments.length > MAX_SEGMENTS) return undefined;
	if (segments.some(isPrototypeKey)) return undefined;
	return segments;
}

const isIndex = (segment: string) => /^\d{1,3}$/.test(segment) && Number(segment) <= MAX_INDEX;

/**
 * Expands `deals.0.name` and `deals[0][name]` keys into nested objects and arrays, the way Vtiger maps
 * array parameters ("you must map this with a dot"). Keys that would clash with a plain value stay flat.
 */
export function expandDottedKeys(record: JsonObject): JsonObject {
	const result: JsonObject = {};
	const dotted: Array<[string, string[], unknown]> = [];
	for (const [key, value] of Object.entries(record)) {
		const segments = pathSegments(key);
		if (segments) dotted.push([key, segments, value]);
		else if (!isPrototypeKey(key)) result[key] = value;
	}
	const created = new WeakSet<object>([result]);
	for (const [key, segments, value] of dotted) {
		if (!place(result, segments, value, created)) result[key] = value;
	}
	return compactArrays(result, created) as JsonObject;
}

/** Sets `value` at `segments`, descending only into containers this expansion created. */
function place(target: JsonObject, segments: string[], value: unknown, created: WeakSet<object>): boolean {
	let node: Record<string, unknown> = target;
	for (const [position, segment] of segments.entries()) {
		if (Array.isArray(node) && !isIndex(segment)) return false;
		// Own values only: a sender's `toString.a` key must not find Object.prototype.toString.
		const existing = hasOwn(node, segment) ? node[segment] : undefined;
		if (position === segments.length - 1) {
			if (existing !== undefined) return false;
			node[segment] = value;
			return true;
		}
		if (existing === undefined) {
			const container = isIndex(segments[position + 1]) ? [] : {};
			created.add(container);
			node[segment] = container;
		} else if (typeof existing !== 'object' || existing === null || !created.has(existing)) {
			return false;
		}
		node = node[segment] as Record<string, unknown>;
	}
	return false;
}

/** Drops the holes that sparse indices leave, so `a.0` and `a.2` give a two-element list. */
function compactArrays(value: unknown, created: WeakSet<object>): unknown {
	if (typeof value !== 'object' || value === null || !created.has(value)) return value;
	if (Array.isArray(value)) return value.filter((item) => item !== undefined).map((item) => compactArrays(item, created));
	const record = value as JsonObject;
	for (const key of Object.keys(record)) record[key] = compactArrays(record[key], created);
	return record;
}
