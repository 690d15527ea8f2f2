import type { HeaderBag } from '../signatures/types';

/**
 * Header redaction for trigger output: credentials, signatures and cookies never reach workflow
 * data, where they would be stored with every execution. Names are matched lower-case.
 */
const ALWAYS = [
	'authorization',
	'proxy-authorization',
	'cookie',
	'set-cookie',
	'x-api-key',
	'api-key',
	'webhook-signature',
	'svix-signature',
	'stripe-signature',
	'x-hub-signature',
	'x-hub-signature-256',
	'x-webhook-signature',
	'x-hmac-signature',
	'x-wh-signature',
	'x-ghl-signature',
];
/** Names that look like they carry a secret, whatever the sender calls them. */
const SECRET_LOOKING = /signature|secret|token|password|api-?key|auth/;

export const REDACTED = '[redacted]';

export function redactionList(extra: readonly string[] = []): ReadonlySet<string> {
	return new Set([...ALWAYS, ...extra.map((name) => name.trim().toLowerCase()).filter((name) => name !== '')]);
}

export function redactHeaders(headers: HeaderBag, names: ReadonlySet<string>): Record<string, string | string[]> {
	const result: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		const lower = name.toLowerCase();
		result[lower] = names.has(lower) || SECRET_LOOKING.test(lower) ? REDACTED : value;
	}
	return result;
}
