import type { OutboundAuth } from '../auth';
import { redactText } from './url';

const EXCERPT_CHARS = 200;
/** Shortest credential value masked by its text: shorter ones would mask ordinary words. */
const MIN_MASKED_LENGTH = 6;
const CREDENTIALS_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** The credential values a request carried in its headers and query (a header's token too, without its scheme word). */
export function sentCredentialValues(auth: OutboundAuth): string[] {
	const values = [...Object.values(auth.headers), ...Object.values(auth.query)];
	return [...new Set([...values, ...values.map((value) => value.split(' ').pop() ?? '')])].filter(
		(value) => value.length >= MIN_MASKED_LENGTH,
	);
}

/**
 * The start of a receiver's answer, for the error a failed delivery raises: it usually names what the receiver
 * refused. An error travels further than an item (error workflows, logs), so whatever of ours a receiver may echo
 * is masked first: the credential values sent, secret query parameters, Bearer and Basic credentials.
 */
export function receiverExcerpt(body: unknown, sentSecrets: readonly string[], secretQueryNames: readonly string[]): string | undefined {
	if (body === undefined || body === null || body === '') return undefined;
	let text = typeof body === 'string' ? body : JSON.stringify(body);
	for (const secret of sentSecrets) text = text.split(secret).join('***');
	text = redactText(text.replace(CREDENTIALS_IN_TEXT, '$1 ***'), secretQueryNames);
	return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
