import { isUtf8 } from 'node:buffer';
import { parse } from 'node:querystring';

import type { Parsed } from './rejection';
import { reject } from './rejection';
import { decodeWindows1252 } from './windows1252';

const AMPERSAND = 0x26;
const ESCAPE_RUN = /(?:%[0-9a-fA-F]{2})+/g;

/** The fields querystring will read: the non-empty pieces between `&`s (a trailing `&` adds none). */
function fieldCount(bytes: Buffer): number {
	let fields = 0;
	let start = 0;
	for (let index = 0; index <= bytes.length; index++) {
		if (index < bytes.length && bytes[index] !== AMPERSAND) continue;
		if (index > start) fields++;
		start = index + 1;
	}
	return fields;
}

/**
 * A percent-escaped name or value (querystring has turned `+` into `%20`): each run of escapes is its
 * bytes as UTF-8 when they are, else windows-1252, so `%E9` is é.
 */
function unescapeLatin1(value: string): string {
	return value.replace(ESCAPE_RUN, (run) => {
		const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
		return isUtf8(bytes) ? bytes.toString('utf8') : decodeWindows1252(bytes);
	});
}

/**
 * application/x-www-form-urlencoded. Too many fields are refused rather than silently cut off
 * (querystring's maxKeys drops the rest), so no field goes missing unnoticed. Repeated names
 * become arrays, as in n8n. `latin1Escapes`: a run of escapes that is not UTF-8 is read as windows-1252
 * (`%E9` is é), whatever the Content-Type says: the charset is not signed, and a resend under another
 * one must read the same event id. Without it (a signed-content template reads the form as its sender
 * built it) such runs become U+FFFD, as in n8n.
 */
export function parseForm(bytes: Buffer, text: string, maxFields: number, latin1Escapes = false): Parsed {
	const fields = fieldCount(bytes);
	if (fields > maxFields) {
		return reject(400, 'malformed_body', `Form body has more than ${maxFields} fields`);
	}
	const stripped = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	// querystring returns a null-prototype object; spread it into a plain one for n8n.
	const options = latin1Escapes ? { maxKeys: 0, decodeURIComponent: unescapeLatin1 } : { maxKeys: 0 };
	return { value: { ...parse(stripped, '&', '=', options) } };
}
