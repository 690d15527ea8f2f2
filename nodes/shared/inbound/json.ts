import type { Parsed } from './rejection';
import { reject } from './rejection';

export const OPEN_OBJECT = 0x7b;
export const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when JSON text nests deeper than `maxDepth`. One pass over the bytes, before JSON.parse: a
 * body 10,000 levels deep parses fine but later overflows the stack of whatever walks it
 * (JSON.stringify, n8n's deep copies), so it must never become an object.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
	// Deeper takes more than maxDepth opening brackets, so a body of at most maxDepth bytes needs no look.
	if (bytes.length <= maxDepth) return false;
	// Most bodies open fewer containers than the limit in all: a native count settles them without the byte loop.
	if (openingBracketsAtMost(bytes, maxDepth)) return false;
	let depth = 0;
	let inString = false;
	for (let index = 0; index < bytes.length; index++) {
		const byte = bytes[index];
		if (inString) {
			if (byte === BACKSLASH) index++;
			else if (byte === QUOTE) inString = false;
		} else if (byte === QUOTE) {
			inString = true;
		} else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
			if (++depth > maxDepth) return true;
		} else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
			depth--;
		}
	}
	return false;
}

/** True when `{` and `[` occur at most `limit` times in all (inside strings too, so the count only over-estimates). */
function openingBracketsAtMost(bytes: Uint8Array, limit: number): boolean {
	const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let count = 0;
	for (const bracket of [OPEN_OBJECT, OPEN_ARRAY]) {
		for (let at = buffer.indexOf(bracket); at !== -1; at = buffer.indexOf(bracket, at + 1)) if (++count > limit) return false;
	}
	return true;
}

/**
 * Parses JSON from UTF-8 bytes. The error names only a position: V8's own message quotes the body,
 * which must not reach a log or the sender.
 */
export function parseJson(bytes: Buffer, text: string, maxDepth: number): Parsed {
	if (jsonNestsDeeperThan(bytes, maxDepth)) {
		return reject(400, 'malformed_body', `JSON nests deeper than ${maxDepth} levels`);
	}
	try {
		return { value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown };
	} catch (error) {
		const position = /position (\d+)/.exec((error as Error).message);
		return reject(400, 'malformed_body', `Malformed JSON${position ? ` at position ${position[1]}` : ''}`);
	}
}

const isJsonSpace = (char: string) => char === ' ' || char === '\n' || char === '\r' || char === '\t';

/** The end (index after the closing quote) of the string literal that opens at `start`. */
export function stringEnd(text: string, start: number): number {
	for (let index = start + 1; index < text.length; index++) {
		const char = text[index];
		if (char === '\\') index++;
		else if (char === '"') return index + 1;
	}
	return text.length;
}

/**
 * True when an object in well-formed JSON text names a key twice. JSON.parse keeps the last copy
 * silently, so a body can show one value to a signature check over re-serialised JSON and another
 * to a reader of the raw text. Keys are compared decoded (`"a"` and `"\u0061"` are the same key).
 */
export function jsonHasDuplicateKeys(text: string): boolean {
	// One entry per open container: the keys seen so far for an object, undefined for an array.
	const open: Array<Set<string> | undefined> = [];
	let expectKey = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (char === '"') {
			const end = stringEnd(text, index);
			const keys = open[open.length - 1];
			if (expectKey && keys) {
				const literal = text.slice(index, end);
				const key = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
				if (keys.has(key)) return true;
				keys.add(key);
			}
			expectKey = false;
			index = end - 1;
		} else if (char === '{') {
			open.push(new Set());
			expectKey = true;
		} else if (char === '[') {
			open.push(undefined);
		} else if (char === '}' || char === ']') {
			open.pop();
		} else if (char === ',') {
			expectKey = open[open.length - 1] !== undefined;
		} else if (!isJsonSpace(char)) {
			expectKey = false;
		}
	}
	return false;
}
