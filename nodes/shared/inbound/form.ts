import { isUtf8 } from 'node:buffer';
import { parse } from 'node:querystring';

import type { Parsed } from './rejection';
import { reject } from './rejection';
import { decodeWindows1252 } from './windows1252';

const AMPERSAND = 0x26;

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
 * A percent-escaped name or value of a form that says Latin-1 (querystring has turned `+` into `%20`):
 * each run of escapes is its bytes as UTF-8 when they are, else windows-1252, so `%E9` is é.
 */
function unescapeLatin1(value: string): string {
	return value.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
		const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
		return isUtf8(bytes) ? bytes.toString('utf8') : decodeWindows1252(bytes);
	});
}

/**
 * application/x-www-form-urlencoded. Too many fields are refused rather than silently cut off
 * (querystring's maxKeys drops the rest), so no field goes missing unnoticed. Repeated names
 * become arrays, as in n8n. `latin1` (the Content-Type says so): `%E9` is é, not a broken UTF-8 byte.
 */
export function parseForm(bytes: Buffer, text: string, maxFields: number, latin1 = false): Parsed {
	const fields = fieldCount(bytes);
	if (fields > maxFields) {
		return reject(400, 'malformed_body', `Form body has more than ${maxFields} fields`);
	}
	const stripped = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	// querystring returns a null-prototype object; spread it into a plain one for n8n.
	const options = latin1 ? { maxKeys: 0, decodeURIComponent: unescapeLatin1 } : { maxKeys: 0 };
	return { value: { ...parse(stripped, '&', '=', options) } };
}
