/**
 * Exact event and object ids for CRMs that send 64-bit numbers. Profiles read ids with idText from
 * many places, and a number beyond 2^53 reaches them rounded, so two events could share one id.
 * Rather than thread the raw text through every read, the rare delivery with such an id is
 * normalised a second time from a copy of the body that keeps those numbers as their digits
 * (exactJson), and only the ids are taken from it: the events' data stay as parsed.
 */
import { beyondSafeInteger, exactDigits, exactJson } from '../inbound/exactIntegers';
import { isDerivedEventId } from './events';
import type { CrmProfile, NormaliseInput, NormaliseResult, NormalisedEvent } from './types';

/** The text idText writes for a rounded number (`1234567890123456800`), else undefined. */
function roundedNumber(id: string | null): number | undefined {
	// Shorter text is never such a number (2^53 has 16 digits): most ids are settled without parsing them.
	if (id === null || id.length < 16) return undefined;
	const number = Number(id);
	return beyondSafeInteger(number) && String(number) === id ? number : undefined;
}

const hasRoundedId = (event: NormalisedEvent) => roundedNumber(event.eventId) !== undefined || roundedNumber(event.object.id) !== undefined;

/** `event`'s rounded ids replaced by the digits its twin (the same event read from the exact body) holds. */
function restoreIds(event: NormalisedEvent, twin: NormalisedEvent): void {
	if (twin.event !== event.event || twin.sourceEvent !== event.sourceEvent) return;
	const eventId = roundedNumber(event.eventId);
	if (eventId !== undefined) event.eventId = exactDigits(eventId, twin.eventId);
	const objectId = roundedNumber(event.object.id);
	if (objectId === undefined) return;
	event.object = { ...event.object, id: exactDigits(objectId, twin.object.id) };
	// A hash of the record covered the rounded id too, so records told apart only by it shared one: the twin's covers the digits.
	if (isDerivedEventId(event.eventId) && isDerivedEventId(twin.eventId)) event.eventId = twin.eventId;
}

/** The profile's events, with any event or object id JSON.parse rounded written as the digits sent. */
export function normaliseWithExactIds(profile: CrmProfile, input: NormaliseInput): NormaliseResult {
	const result = profile.normalise(input);
	if ('error' in result || input.bodyKind !== 'json' || !result.events.some(hasRoundedId)) return result;
	const body = exactJson(input.rawBody);
	if (body === undefined) return result;
	const twins = profile.normalise({ ...input, body });
	// The twin run must describe the same events in the same order; anything else keeps the rounded ids.
	if ('error' in twins || twins.events.length !== result.events.length) return result;
	result.events.forEach((event, index) => restoreIds(event, twins.events[index]));
	return result;
}
