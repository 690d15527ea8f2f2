/**
 * What each credential of this package means on the wire: the headers or query values the Outbound
 * Webhook node sends, and the check a trigger applies to an incoming request. Pure: the nodes pass
 * in the decrypted credential data they got from n8n.
 */
import { isRecord } from './crm/events';
import { parseJsonText } from './http/jsonText';
import { parseJson } from './inbound/json';
import { DEFAULT_PARSE_LIMITS } from './inbound/parseBody';
import { hasOwn } from './prototypeKeys';
import type { HmacAlgorithm, SignatureEncoding, SigningConfig } from './signatures';
import {
	DEFAULT_HMAC_SCHEME,
	DEFAULT_TIMESTAMPED_HEADER_NAME,
	matchingSecretIndex,
	signatureHeaderNames,
	verifyRequestSignature,
} from './signatures';
import type { HeaderBag, VerificationResult, VerifyOptions } from './signatures/types';
import { fail, isFailure, singleHeader } from './signatures/types';
import { instantOfDateTime } from './zonedTime';

export type AuthKind = 'none' | 'basicAuth' | 'apiKey' | 'bearerToken' | 'signingSecret';

/** The n8n credential type name of each kind. */
export const CREDENTIAL_TYPES = {
	basicAuth: 'webhookBasicAuthApi',
	apiKey: 'webhookApiKeyApi',
	bearerToken: 'webhookBearerTokenApi',
	signingSecret: 'webhookSigningSecretApi',
} as const;

export type CredentialData = Record<string, unknown>;

/** What a 401 to a Basic-auth sender asks for (RFC 7617): senders such as Pipedrive expect the challenge. */
export const BASIC_CHALLENGE = 'Basic realm="n8n webhook", charset="UTF-8"';

/** The same for a bearer token (RFC 6750). */
export const BEARER_CHALLENGE = 'Bearer realm="n8n webhook"';

/** A credential field as text: empty when unset, any other value as String gives it. */
export const credentialText = (data: CredentialData, key: string): string => {
	const value = data[key];
	return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
};
const text = credentialText;

const nonEmpty = (values: string[]) => values.filter((value) => value !== '');
const spaceSeparated = (data: CredentialData, key: string) => nonEmpty(text(data, key).split(/\s+/));

/** Signing config and active secrets (current first) from a Webhook Signing Secret credential. */
export function signingFromCredential(data: CredentialData): { config: SigningConfig; secrets: string[] } {
	const scheme = text(data, 'scheme') || 'hmac';
	const secrets = nonEmpty([text(data, 'secret'), ...spaceSeparated(data, 'previousSecrets')]);
	let config: SigningConfig;
	if (scheme === 'standardWebhooks') {
		const publicKeys = spaceSeparated(data, 'publicKeys');
		config = publicKeys.length > 0 ? { scheme: 'standardWebhooks', publicKeys } : { scheme: 'standardWebhooks' };
	} else if (scheme === 'timestamped') {
		config = { scheme: 'timestamped', headerName: text(data, 'timestampedHeaderName') || DEFAULT_TIMESTAMPED_HEADER_NAME };
	} else {
		config = {
			scheme: 'hmac',
			headerName: text(data, 'hmacHeaderName') || DEFAULT_HMAC_SCHEME.headerName,
			algorithm: (text(data, 'algorithm') || DEFAULT_HMAC_SCHEME.algorithm) as HmacAlgorithm,
			encoding: (text(data, 'encoding') || DEFAULT_HMAC_SCHEME.encoding) as SignatureEncoding,
			prefix: text(data, 'prefix'),
			signedContent: text(data, 'signedContent') === 'timestampDotBody' ? 'timestampDotBody' : 'body',
			timestampHeaderName: text(data, 'timestampHeaderName') || DEFAULT_HMAC_SCHEME.timestampHeaderName,
		};
	}
	return { config, secrets };
}

/**
 * Whether outgoing requests still carry the previous secrets' signatures: until the credential's overlap ends.
 * A time without an offset is read in `timeZone`, the workflow's, as n8n reads its date pickers' values.
 */
export function signsWithPrevious(data: CredentialData, nowMs: number, timeZone: string): boolean {
	const until = instantOfDateTime(text(data, 'signPreviousUntil'), timeZone);
	return Number.isFinite(until) && nowMs < until;
}

/** Why the credential's Sign With Previous Secrets Until cannot be read; undefined when empty or a date. */
export function signPreviousUntilProblem(data: CredentialData): string | undefined {
	const value = text(data, 'signPreviousUntil');
	if (value === '' || Number.isFinite(instantOfDateTime(value, 'UTC'))) return undefined;
	return `Sign With Previous Secrets Until is not a date ("${value.slice(0, 40)}"): pick one in the date picker, or clear it to sign with the current secret only`;
}

export interface OutboundAuth {
	headers: Record<string, string>;
	query: Record<string, string>;
}

/** Headers and query values that authenticate an outgoing request (signing is applied separately, after encoding). */
export function outboundAuth(kind: AuthKind, data: CredentialData): OutboundAuth {
	switch (kind) {
		case 'basicAuth': {
			const token = Buffer.from(`${text(data, 'user')}:${text(data, 'password')}`).toString('base64');
			return { headers: { Authorization: `Basic ${token}` }, query: {} };
		}
		case 'apiKey':
			return text(data, 'location') === 'query'
				? { headers: {}, query: { [text(data, 'name')]: text(data, 'apiKey') } }
				: { headers: { [text(data, 'name')]: text(data, 'apiKey') }, query: {} };
		case 'bearerToken':
			return { headers: { Authorization: `Bearer ${text(data, 'token')}` }, query: {} };
		default:
			return { headers: {}, query: {} };
	}
}

export interface InboundRequestParts {
	method?: string;
	/** The URL the sender used, worked out only when a signature template signs it. */
	url?: () => string | undefined;
	headers: HeaderBag;
	query: Record<string, unknown>;
	rawBody: Buffer;
}

/** Checks an incoming request against a credential; every secret comparison is constant-time. */
export function verifyInboundAuth(
	kind: AuthKind,
	data: CredentialData,
	request: InboundRequestParts,
	options: VerifyOptions,
): VerificationResult {
	switch (kind) {
		case 'none':
			return { valid: true, scheme: 'none', secretIndex: 0 };
		case 'signingSecret': {
			const { config, secrets } = signingFromCredential(data);
			return verifyRequestSignature(config, secrets, request.headers, request.rawBody, options);
		}
		case 'basicAuth': {
			const header = singleHeader(request.headers, 'authorization');
			if (isFailure(header)) return { ...header, challenge: BASIC_CHALLENGE };
			const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
			if (!match)
				return { ...fail(header ? 'malformed' : 'missing', 'Missing or malformed Basic Authorization header'), challenge: BASIC_CHALLENGE };
			const received = Buffer.from(match[1], 'base64').toString('utf8');
			const passwords = nonEmpty([text(data, 'password'), text(data, 'previousPassword')]);
			const verified = matchSecret(
				passwords.map((password) => `${text(data, 'user')}:${password}`),
				received,
				'basic-auth',
			);
			return verified.valid ? verified : { ...fail('mismatch', 'Wrong username or password'), challenge: BASIC_CHALLENGE };
		}
		case 'bearerToken': {
			const header = singleHeader(request.headers, 'authorization');
			if (isFailure(header)) return { ...header, challenge: BEARER_CHALLENGE };
			const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
			if (!match)
				return {
					...fail(header ? 'malformed' : 'missing', 'Missing or malformed Bearer Authorization header'),
					challenge: BEARER_CHALLENGE,
				};
			const verified = matchSecret(nonEmpty([text(data, 'token'), text(data, 'previousToken')]), match[1], 'bearer-token');
			return verified.valid ? verified : { ...verified, challenge: BEARER_CHALLENGE };
		}
		case 'apiKey': {
			const received = receivedApiKey(data, request);
			if (typeof received !== 'string') return received;
			return matchSecret(nonEmpty([text(data, 'apiKey'), text(data, 'previousApiKey')]), received, 'api-key');
		}
	}
}

/**
 * The key a request carries where the credential says: a header, a query parameter, or (set by a CRM profile,
 * never offered in the credential) a top-level field of a JSON body, as Zoho CRM echoes its channel token.
 */
function receivedApiKey(data: CredentialData, request: InboundRequestParts): string | VerificationResult {
	const name = text(data, 'name');
	let received: unknown;
	switch (text(data, 'location')) {
		case 'query':
			received = request.query[name];
			if (Array.isArray(received)) return fail('malformed', `Query parameter ${name} was sent more than once`);
			break;
		case 'body': {
			// Read before authentication, so under the triggers' own depth limit: deep nesting slows JSON.parse tenfold.
			const parsed = parseJson(request.rawBody, request.rawBody.toString('utf8'), DEFAULT_PARSE_LIMITS.maxDepth);
			const body = 'value' in parsed ? parsed.value : undefined;
			received = isRecord(body) && hasOwn(body, name) ? body[name] : undefined;
			break;
		}
		default: {
			const header = singleHeader(request.headers, name);
			if (isFailure(header)) return header;
			received = header;
		}
	}
	return typeof received === 'string' && received !== '' ? received : fail('missing', `Missing ${name}`);
}

function matchSecret(secrets: string[], received: string, scheme: string): VerificationResult {
	const secretIndex = matchingSecretIndex(secrets, [received], (secret) => secret);
	return secretIndex < 0 ? fail('mismatch', 'Wrong credentials') : { valid: true, scheme, secretIndex };
}

/**
 * The query without a key sent as a query parameter (Webhook API Key credential, Send In: Query), so the
 * secret reaches no workflow data: neither a trigger's output and field mapping, a record built from the
 * query (GET requests), nor the raw request. `kind` may be any authentication choice (a CRM's built-in too).
 */
export function queryWithoutSecret(
	kind: string,
	data: CredentialData | undefined,
	query: Record<string, unknown>,
): Record<string, unknown> {
	if (kind !== 'apiKey' || !data || text(data, 'location') !== 'query') return query;
	const rest = { ...query };
	delete rest[text(data, 'name')];
	return rest;
}

/**
 * The raw body text without a key carried in a JSON body field (a profile's `location: 'body'`), for outputs
 * that show the request as received; any other body is returned as it is.
 */
export function bodyWithoutSecret(kind: string, data: CredentialData | undefined, body: string): string {
	if (kind !== 'apiKey' || !data || text(data, 'location') !== 'body') return body;
	const parsed = parseJsonText(body)?.value;
	if (!isRecord(parsed)) return body;
	const rest = { ...parsed };
	delete rest[text(data, 'name')];
	return JSON.stringify(rest);
}

/** Header names that carry secrets for a credential; triggers redact them from their output. */
export function secretHeaderNames(kind: AuthKind, data: CredentialData): string[] {
	switch (kind) {
		case 'basicAuth':
		case 'bearerToken':
			return ['authorization'];
		case 'apiKey':
			return ['query', 'body'].includes(text(data, 'location')) ? [] : [text(data, 'name').toLowerCase()];
		case 'signingSecret':
			return signatureHeaderNames(signingFromCredential(data).config);
		default:
			return [];
	}
}
