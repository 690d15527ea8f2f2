import type { CompiledJsonPath } from '../jsonPath';
import { compileJsonPath } from '../jsonPath';
import { JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../http/jsonText';
import { hasOwn } from '../prototypeKeys';
import type { Rejection } from './rejection';
import { reject } from './rejection';

/**
 * Subscription handshakes: a sender proves the URL by sending a challenge (Meta's `hub.challenge`
 * query parameter, Slack's `challenge` body field, a CRM's confirmation token) and expects it back.
 * The request is answered without starting the workflow.
 */
export interface HandshakeOptions {
	/** Where the challenge arrives. */
	source: 'query' | 'body';
	/** Query parameter name, or for the body a top-level field name or a JSONPath over the body. */
	field: string;
	/** Echo the bare token as text/plain, or as JSON `{ <field>: token }`. */
	respondAs: 'text' | 'json';
	/**
	 * Answer a query-parameter challenge before authentication, for senders that do not sign the
	 * handshake. Body challenges are always answered after authentication: nothing unauthenticated is parsed.
	 */
	beforeAuth?: boolean;
}

export interface HandshakeAnswer {
	status: number;
	contentType: string;
	body: string;
}

export interface CompiledHandshake {
	beforeAuth: boolean;
	/** The answer when the request carries a challenge, a rejection for an unusable one, otherwise undefined. */
	answer(query: Record<string, unknown>, body: unknown): HandshakeAnswer | Rejection | undefined;
}

const MAX_TOKEN_LENGTH = 1024;

export function compileHandshake(settings: HandshakeOptions, label = 'Challenge Field'): CompiledHandshake {
	const field = settings.field.trim();
	if (field === '') throw new Error(`${label} is empty`);
	const path: CompiledJsonPath | undefined =
		settings.source === 'body' && field.startsWith('$') ? compileJsonPath(field, label) : undefined;
	const key = path ? (/([\w-]+)\W*$/.exec(field)?.[1] ?? 'challenge') : field;
	const read = (query: Record<string, unknown>, body: unknown): unknown => {
		if (settings.source === 'query') return query[field];
		if (path) return path.first(body);
		return typeof body === 'object' && body !== null && hasOwn(body, field) ? (body as Record<string, unknown>)[field] : undefined;
	};
	return {
		beforeAuth: settings.source === 'query' && settings.beforeAuth === true,
		answer(query, body) {
			const token = read(query, body);
			if (token === undefined || token === null) return undefined;
			if ((typeof token !== 'string' && typeof token !== 'number') || String(token).length > MAX_TOKEN_LENGTH) {
				return reject(400, 'malformed_body', `The handshake ${field} must be text of at most ${MAX_TOKEN_LENGTH} characters`);
			}
			return settings.respondAs === 'json'
				? { status: 200, contentType: JSON_CONTENT_TYPE, body: JSON.stringify({ [key]: token }) }
				: { status: 200, contentType: TEXT_CONTENT_TYPE, body: String(token) };
		},
	};
}
