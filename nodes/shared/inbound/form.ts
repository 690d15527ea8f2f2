import { parse } from 'node:querystring';

import type { Parsed } from './rejection';
import { reject } from './rejection';

const AMPERSAND = 0x26;

/**
 * application/x-www-form-urlencoded. Too many fields are refused rather than silently cut off
 * (querystring's maxKeys drops the rest), so no field goes missing unnoticed. Repeated names
 * become arrays, as in n8n.
 */
export function parseForm(bytes: Buffer, text: string, maxFields: number): Parsed {
	let fields = bytes.length > 0 ? 1 : 0;
	for (let index = 0; index < bytes.length; index++) if (bytes[index] === AMPERSAND) fields++;
	if (fields > maxFields) {
		return reject(400, 'malformed_body', `Form body has more than ${maxFields} fields`);
	}
	const stripped = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	// querystring returns a null-prototype object; spread it into a plain one for n8n.
	return { value: { ...parse(stripped, '&', '=', { maxKeys: 0 }) } };
}
