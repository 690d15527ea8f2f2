/**
 * Small helpers every profile shares: canonical event names, stable event ids, times and records.
 */
import { createHash } from 'node:crypto';

import { isoString } from '../isoString';
import { isPrototypeKey } from '../prototypeKeys';
import type { CrmEventType, JsonObject, NormalisedEvent } from './types';

export const isRecord = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sender-controlled names are cut to this length before they reach the output. */
const MAX_NAME_LENGTH = 200;

/** A Map, not an object: a sender's word such as `constructor` must not find Object.prototype's members. */
const ACTION_WORDS = new Map<string, string>(
	Object.entries({
		create: 'created',
		creation: 'created',
		created: 'created',
		update: 'updated',
		updated: 'updated',
		delete: 'deleted',
		deleted: 'deleted',
		cancel: 'cancelled',
		cancelled: 'cancelled',
		complete: 'completed',
		completed: 'completed',
		change: 'changed',
		changed: 'changed',
		submit: 'submitted',
		submission: 'submitted',
		merge: 'merged',
		install: 'installed',
		uninstall: 'uninstalled',
		void: 'voided',
		send: 'sent',
		sent: 'sent',
	}),
);

/** Words of a CRM name: `ContactCreate`, `Lead_Post_Create`, `Deal Won` and `deal.won` all split cleanly. */
function words(name: string): string[] {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.split(/[^A-Za-z0-9]+/)
		.map((word) => word.toLowerCase())
		.filter((word) => word !== '');
}

/**
 * A canonical, lowercase, dotted name for any CRM event name, used when a profile's table does not know
 * it: `ContactDndUpdate` → `contact_dnd.updated`, `AccountActivity_Post_Create` → `account_activity.created`,
 * `Deal Won` → `deal.won`. LeadSquared's `_Post_` (the HTTP method in its names) is dropped.
 */
export function canonicalEventName(name: string): string {
	const trimmed = name.trim().slice(0, MAX_NAME_LENGTH);
	if (/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(trimmed)) return trimmed;
	// Only LeadSquared's form, `_Post_` between underscores (or in capitals): `BlogPostCreated` keeps its word.
	const parts = words(trimmed.replace(/_(?:Post|POST)_/g, '_'));
	if (parts.length === 0) return 'unknown';
	const last = parts[parts.length - 1];
	const action = ACTION_WORDS.get(last) ?? last;
	const entity = parts.slice(0, -1).join('_');
	return entity ? `${entity}.${action}` : `event.${action}`;
}

/**
 * One word of a canonical name from a CRM's own: `CampaignMember` → `campaign_member`, `Price Books` →
 * `price_books`, `Invoice__c` → `invoice__c`; empty when nothing is left.
 */
export const nameWord = (name: string): string =>
	name
		.trim()
		.slice(0, MAX_NAME_LENGTH)
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[^a-z0-9_]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.slice(0, MAX_NAME_LENGTH);

/** An entry of a profile's event list. */
export const eventType = (value: string, name: string, ...sourceNames: string[]): CrmEventType => ({ value, name, sourceNames });

/** The profile's event type for a CRM name, matched on source names, value and display name, ignoring case. */
export function findEventType(events: readonly CrmEventType[], sourceName: string): CrmEventType | undefined {
	const wanted = sourceName.trim().toLowerCase();
	if (wanted === '' || events.length === 0) return undefined;
	return eventIndexOf(events).get(wanted);
}

/**
 * Every name an event list is matched on (value as is; display and source names lower-cased), mapped
 * to the first type in list order that answers to it, as a search in order would find. Built once per
 * list: profiles' lists are constants, and lower-casing 20 names per request cost more than the lookup.
 */
const eventIndexes = new WeakMap<readonly CrmEventType[], Map<string, CrmEventType>>();

function eventIndexOf(events: readonly CrmEventType[]): Map<string, CrmEventType> {
	let index = eventIndexes.get(events);
	if (index) return index;
	index = new Map();
	for (const type of events) {
		for (const name of [type.value, type.name.toLowerCase(), ...type.sourceNames.map((source) => source.toLowerCase())]) {
			if (!index.has(name)) index.set(name, type);
		}
	}
	eventIndexes.set(events, index);
	return index;
}

/** Canonical name and the CRM's own name, trimmed to a safe length. */
export function resolveEvent(events: readonly CrmEventType[], sourceName: string): { event: string; sourceEvent: string } {
	const sourceEvent = sourceName.trim().slice(0, MAX_NAME_LENGTH);
	return { event: findEventType(events, sourceEvent)?.value ?? canonicalEventName(sourceEvent), sourceEvent };
}

/** A CRM's own object name as the object part of a canonical event name; `record` when nothing is left. */
export const objectKey = (name: string): string => nameWord(name) || 'record';

/** `opportunity.won` → `opportunity` (cut at the first dot, without splitting the whole name into an array). */
export function objectTypeOf(event: string): string {
	const dot = event.indexOf('.');
	return (dot < 0 ? event : event.slice(0, dot)) || 'record';
}

/** JSON with object keys sorted, so the same record always hashes the same whatever order the CRM used. */
function stableStringify(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
	if (isRecord(value)) {
		const keys = Object.keys(value).sort();
		return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

const DERIVED_ID_PREFIX = 'sha256:';

/**
 * An event id for CRMs that send none: a hash of the parts that stay the same when the CRM retries the same
 * delivery (the event name, the record), never of the time it arrived.
 */
export function derivedEventId(crm: string, ...parts: unknown[]): string {
	const hash = createHash('sha256').update(crm);
	for (const part of parts) hash.update('\0').update(stableStringify(part));
	return `${DERIVED_ID_PREFIX}${hash.digest('hex').slice(0, 40)}`;
}

/** True for an id derivedEventId made. */
export const isDerivedEventId = (id: string): boolean => id.startsWith(DERIVED_ID_PREFIX);

/**
 * The event id: the CRM's own when it sent one, else a hash of `parts` (derivedEventId). `changedAt` is the
 * time of the change read from the hashed content; without one, two genuine changes with the same content
 * share the hash, so it is marked `eventIdSource: 'hash'` and remembered only for the CRM's retry window.
 */
export function eventIdOf(
	sentId: string | null | undefined,
	changedAt: string | undefined,
	crm: string,
	...parts: unknown[]
): Pick<NormalisedEvent, 'eventId' | 'eventIdSource'> {
	if (sentId) return { eventId: sentId };
	const eventId = derivedEventId(crm, ...parts);
	return changedAt ? { eventId } : { eventId, eventIdSource: 'hash' };
}

/**
 * A text id, or null: ids arrive as strings or numbers (one beyond 2^53 rounded; see exactIds.ts). A longer id
 * than the output allows keeps its start and ends in a hash of the whole, so two ids sharing that start stay
 * apart (they are dedupe keys).
 */
export function idText(value: unknown): string | null {
	if (typeof value === 'string' && value.trim() !== '') return boundedId(value.trim());
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function boundedId(id: string): string {
	if (id.length <= MAX_NAME_LENGTH) return id;
	const digest = createHash('sha256').update(id).digest('hex').slice(0, 40);
	return `${id.slice(0, MAX_NAME_LENGTH - digest.length - 1)}~${digest}`;
}

/** The first non-empty id among `keys` of a record. */
export function firstId(record: JsonObject, keys: readonly string[]): string | null {
	for (const key of keys) {
		const id = idText(record[key]);
		if (id !== null) return id;
	}
	return null;
}

const UNIX_DIGITS = /^\d{9,16}$/;
/** ISO dates and times without an offset (LeadSquared's `yyyy-MM-dd HH:mm:ss`, a Time Field's value): read as UTC. */
const ISO_WITHOUT_OFFSET = /^(\d{4}(?:-\d{2}){0,2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/;
/** `11-03-2024`: 11 March or 3 November, as the sender's locale has it; never guessed. */
const DAY_MONTH_ORDER_UNKNOWN = /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b/;
/** A zone in text `Date` reads (`GMT`, `+01:00`, `EST` …); without one it would read the server's own zone. */
const NAMES_A_ZONE = /[\d\s](?:Z|[+-]\d{2}:?\d{2})(?:\s*\(.*\))?$|\b(?:GMT|UTC|UT|[ECMP][SD]T)\b/i;

/** Unix time in seconds, milliseconds or microseconds (Pipedrive's `timestamp_micro`), told apart by size. */
function unixDate(number: number): Date {
	if (number >= 1e14) return new Date(Math.floor(number / 1000));
	return new Date(number >= 1e11 ? number : number * 1000);
}

/** Other date text, with a time without a zone read as UTC, as the ISO forms are. */
function textDate(text: string): Date | undefined {
	const iso = ISO_WITHOUT_OFFSET.exec(text);
	// A date alone (`2024`, `2024-03`, `2024-03-11`) is UTC to Date already; a time gets its Z.
	if (iso) return new Date(iso[2] ? `${iso[1]}T${iso[2]}Z` : iso[1]);
	if (DAY_MONTH_ORDER_UNKNOWN.test(text)) return undefined;
	const date = new Date(text);
	if (Number.isNaN(date.getTime()) || NAMES_A_ZONE.test(text)) return date;
	return new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
}

/**
 * ISO 8601 for the times CRMs send: ISO strings (without an offset: UTC), unix seconds, milliseconds or
 * microseconds (numbers or digits), and date text with or without a zone. Undefined when the value is not
 * a time, or is a day and month in an order it cannot know (`11-03-2024`).
 */
export function isoTime(value: unknown): string | undefined {
	let date: Date | undefined;
	const text = typeof value === 'string' ? value.trim() : undefined;
	if (typeof value === 'number' || (text !== undefined && UNIX_DIGITS.test(text))) date = unixDate(Number(value));
	else if (text) date = textDate(text);
	return date && !Number.isNaN(date.getTime()) ? isoString(date) : undefined;
}

/** The record without the envelope keys a profile moved elsewhere. */
export function without(record: JsonObject, keys: readonly string[]): JsonObject {
	const rest: JsonObject = {};
	// A body's "__proto__" key, assigned here, would become the prototype of the event's data.
	for (const [key, value] of Object.entries(record)) if (!keys.includes(key) && !isPrototypeKey(key)) rest[key] = value;
	return rest;
}

/** Context values that are present, so empty envelopes stay `{}`. */
export function presentValues(values: JsonObject): JsonObject {
	const present: JsonObject = {};
	for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') present[key] = value;
	return present;
}

/** Fills the fields every profile derives the same way. */
export function buildEvent(
	fields: Omit<NormalisedEvent, 'occurredAt' | 'context'> & { occurredAt: string | undefined; context?: JsonObject },
	receivedAt: Date,
): NormalisedEvent {
	// Copied field by field (in the order users see): rest/spread of the whole event cost more than the rest of a profile's normalise.
	const event = { event: fields.event, sourceEvent: fields.sourceEvent, crm: fields.crm, eventId: fields.eventId } as NormalisedEvent;
	if (fields.eventIdSource !== undefined) event.eventIdSource = fields.eventIdSource;
	event.object = fields.object;
	event.data = fields.data;
	event.occurredAt = fields.occurredAt ?? isoString(receivedAt);
	if (fields.previous) event.previous = fields.previous;
	event.context = fields.context ?? {};
	return event;
}
