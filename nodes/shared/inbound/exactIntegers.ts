/**
 * Ids sent as JSON numbers beyond 2^53 (64-bit, Snowflake-style) reach a parsed body rounded: two
 * distinct ids can become one number, and one event would then be dropped as the other's duplicate.
 * The one rule for reading such an id as the digits the sender wrote. Only a rounded id pays for it:
 * ordinary bodies are parsed once, as before.
 */
import { stringEnd } from './json';

const QUOTE = 0x22;
const MINUS = 0x2d;
const INTEGER_TEXT = /^-?\d+$/;
/** A shorter token is a safe integer: 2^53 has 16 digits. */
const SAFE_LENGTH = 16;

/** True for a number JSON.parse may have rounded: an integer outside ±(2^53 - 1). */
export const beyondSafeInteger = (value: unknown): value is number =>
	typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);

const isNumberStart = (code: number) => code === MINUS || (code >= 0x30 && code <= 0x39);
const isNumberPart = (char: string) =>
	(char >= '0' && char <= '9') || char === '-' || char === '+' || char === '.' || char === 'e' || char === 'E';

function numberEnd(text: string, start: number): number {
	let end = start + 1;
	while (end < text.length && isNumberPart(text[end])) end++;
	return end;
}

/** An integer token (no fraction, no exponent) that a double cannot hold exactly. */
const isUnsafeInteger = (token: string) => token.length >= SAFE_LENGTH && INTEGER_TEXT.test(token) && !Number.isSafeInteger(Number(token));

/**
 * JSON text with every integer number that is not a safe integer written as a string of its digits
 * (`{"id":1234567890123456789}` → `{"id":"1234567890123456789"}`). String literals, fractions,
 * exponents and safe integers are left as they are, so the text parses to the same shape.
 */
export function unsafeIntegersAsStrings(text: string): string {
	let written = '';
	let copied = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === QUOTE) {
			index = stringEnd(text, index) - 1;
		} else if (isNumberStart(code)) {
			const end = numberEnd(text, index);
			const token = text.slice(index, end);
			if (isUnsafeInteger(token)) {
				written += `${text.slice(copied, index)}"${token}"`;
				copied = end;
			}
			index = end - 1;
		}
	}
	return copied === 0 ? text : written + text.slice(copied);
}

/** The JSON body in `bytes` (UTF-8) with unsafe integers as their digits, or undefined when it is not JSON. */
export function exactJson(bytes: Buffer): unknown {
	const text = bytes.toString('utf8');
	try {
		return JSON.parse(unsafeIntegersAsStrings(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * The digits sent for `rounded`, when `found` (the same place in exactJson's body) holds them; else
 * the rounded number's own text, as before.
 */
export function exactDigits(rounded: number, found: unknown): string {
	return typeof found === 'string' && INTEGER_TEXT.test(found) && Number(found) === rounded ? found : String(rounded);
}
