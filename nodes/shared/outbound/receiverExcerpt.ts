import type { OutboundAuth } from '../auth';
import { redactText } from './url';

const EXCERPT_CHARS = 200;
/** Shortest credential value masked by its text: shorter ones would mask ordinary words. */
const MIN_MASKED_LENGTH = 6;
const CREDENTIALS_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** `user:password` and the password of a Basic header: a receiver may quote the password it checked. */
function basicParts(value: string): string[] {
	const encoded = /^Basic\s+(\S+)$/i.exec(value)?.[1];
	if (!encoded) return [];
	const decoded = Buffer.from(encoded, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon < 0 ? [] : [decoded, decoded.slice(colon + 1)];
}

/**
 * The credential values a request carried in its headers and query: each value, a header's token without its
 * scheme word, and a Basic header's decoded password.
 */
export function sentCredentialValues(auth: OutboundAuth): string[] {
	const values = [...Object.values(auth.headers), ...Object.values(auth.query)];
	const parts = values.flatMap((value) => [value, value.split(' ').pop() ?? '', ...basicParts(value)]);
	return [...new Set(parts)].filter((value) => value.length >= MIN_MASKED_LENGTH);
}

/** Each secret as sent and as a JSON string quotes it, longest first so no part of a longer one is left. */
const maskedForms = (secrets: readonly string[]): string[] =>
	[...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))]
		.filter((form) => form.length >= MIN_MASKED_LENGTH)
		.sort((a, b) => b.length - a.length);

/**
 * Undoes the escapes some JSON encoders add and JSON.stringify does not (PHP's `\/`, Go's `\u0026` for `&`,
 * `\u00e9` for non-ASCII), so a secret a receiver echoes that way is found; quotes, backslashes and control
 * characters stay escaped.
 */
const unescapedJson = (text: string): string =>
	text.replace(/\\(\/|u([0-9a-fA-F]{4}))/g, (escape: string, _: string, hex?: string) => {
		if (hex === undefined) return '/';
		const code = parseInt(hex, 16);
		return code < 0x20 || code === 0x22 || code === 0x5c ? escape : String.fromCharCode(code);
	});

/**
 * The start of a receiver's answer, for the error a failed delivery raises: it usually names what the receiver
 * refused. An error travels further than an item (error workflows, logs), so whatever of ours a receiver may echo
 * is masked first: the credential values sent, secret query parameters, Bearer and Basic credentials.
 */
export function receiverExcerpt(body: unknown, sentSecrets: readonly string[], secretQueryNames: readonly string[]): string | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	let text = unescapedJson(typeof body === 'string' ? body : JSON.stringify(body));
	for (const secret of maskedForms(sentSecrets)) text = text.split(secret).join('***');
	text = redactText(text.replace(CREDENTIALS_IN_TEXT, '$1 ***'), secretQueryNames);
	return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
