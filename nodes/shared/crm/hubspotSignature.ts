/**
 * HubSpot's request signatures (developers.hubspot.com, "Validating requests"), keyed with the app's client secret:
 * - v3, `X-HubSpot-Signature-v3`: base64 HMAC-SHA256 of method + URI + raw body + `X-HubSpot-Request-Timestamp`
 *   (milliseconds), the URI with the characters of HubSpot's table decoded;
 * - v2, `X-HubSpot-Signature` with `X-HubSpot-Signature-Version: v2`: hex SHA-256 of secret + method + URI + body;
 * - v1, the same header with `v1`: hex SHA-256 of secret + body.
 * A request that carries v3 is judged on v3 alone; v2 and v1 are read only when v3 is absent, and only if allowed.
 */
import { createHash, createHmac } from 'node:crypto';

import { matchingHmacSecretIndex } from '../signatures/constantTime';
import type { HeaderBag, VerificationResult, VerifyOptions } from '../signatures/types';
import { checkTimestamp, fail, isFailure, signatureHeader, singleHeader } from '../signatures/types';

export const V3_HEADER = 'X-HubSpot-Signature-v3';
export const LEGACY_HEADER = 'X-HubSpot-Signature';
export const VERSION_HEADER = 'X-HubSpot-Signature-Version';
export const TIMESTAMP_HEADER = 'X-HubSpot-Request-Timestamp';

/** `any`: v3, or v2/v1 when HubSpot sends no v3. `v3`: only v3. */
export type HubSpotVersions = 'any' | 'v3';

/** The encoded characters HubSpot decodes in the URI before signing v3 (its table; hex digits in either case). */
const DECODED = new Map(
	Object.entries({
		'3A': ':',
		'2F': '/',
		'3F': '?',
		'40': '@',
		'21': '!',
		'24': '$',
		'27': "'",
		'28': '(',
		'29': ')',
		'2A': '*',
		'2C': ',',
		'3B': ';',
	}),
);

const ENCODED = new RegExp(`%(${[...DECODED.keys()].join('|')})`, 'gi');

/** The URI as HubSpot signs it for v3. */
export const signedUri = (uri: string): string => uri.replace(ENCODED, (match, hex: string) => DECODED.get(hex.toUpperCase()) ?? match);

export function signV3(secret: string, method: string, uri: string, body: Buffer, timestamp: string): string {
	return createHmac('sha256', secret)
		.update(`${method}${signedUri(uri)}`)
		.update(body)
		.update(timestamp)
		.digest('base64');
}

export function signV2(secret: string, method: string, uri: string, body: Buffer): string {
	return createHash('sha256').update(`${secret}${method}${uri}`).update(body).digest('hex');
}

export function signV1(secret: string, body: Buffer): string {
	return createHash('sha256').update(secret).update(body).digest('hex');
}

export interface HubSpotRequest {
	method: string;
	/** The public URL HubSpot called; undefined when n8n could not tell it. */
	url: string | undefined;
	headers: HeaderBag;
	rawBody: Buffer;
}

const NO_URL = fail(
	'mismatch',
	'HubSpot signs the URL it called, and n8n could not tell it: set WEBHOOK_URL to n8n’s public address, or use Forwarded Headers behind a trusted proxy',
);

function verifyV3(request: HubSpotRequest, secrets: readonly string[], value: string, options: VerifyOptions): VerificationResult {
	const timestamp = singleHeader(request.headers, TIMESTAMP_HEADER);
	if (isFailure(timestamp)) return timestamp;
	const timestampSeconds = checkTimestamp(timestamp, TIMESTAMP_HEADER, options);
	if (isFailure(timestampSeconds)) return timestampSeconds;
	if (request.url === undefined) return NO_URL;
	const { method, url, rawBody } = request;
	const secretIndex = matchingHmacSecretIndex(secrets, [value.trim()], (secret) => signV3(secret, method, url, rawBody, String(timestamp)));
	if (secretIndex < 0) return fail('mismatch', `Signature in ${V3_HEADER} does not match the request`);
	return { valid: true, scheme: 'hubspot-v3', secretIndex, timestampSeconds };
}

function verifyLegacy(request: HubSpotRequest, secrets: readonly string[]): VerificationResult {
	const value = signatureHeader(request.headers, LEGACY_HEADER);
	if (isFailure(value))
		return fail(value.reason, value.reason === 'missing' ? `Missing ${V3_HEADER} or ${LEGACY_HEADER} header` : value.message);
	const version = singleHeader(request.headers, VERSION_HEADER);
	if (isFailure(version)) return version;
	const received = [value.trim().toLowerCase()];
	const { method, url, rawBody } = request;
	let secretIndex: number;
	if (version === 'v1') {
		secretIndex = matchingHmacSecretIndex(secrets, received, (secret) => signV1(secret, rawBody));
	} else if (version === 'v2') {
		if (url === undefined) return NO_URL;
		secretIndex = matchingHmacSecretIndex(secrets, received, (secret) => signV2(secret, method, url, rawBody));
	} else {
		return fail('malformed', `${VERSION_HEADER} must be v1 or v2 for ${LEGACY_HEADER}`);
	}
	if (secretIndex < 0) return fail('mismatch', `Signature in ${LEGACY_HEADER} does not match the request`);
	return { valid: true, scheme: `hubspot-${version}`, secretIndex };
}

/**
 * Verifies one HubSpot request against the client secret (current first, then those kept for rotation).
 * v3's timestamp comes back as `timestampSeconds`, so the trigger's replay window (5 minutes by default,
 * HubSpot's own limit) refuses an old one; v2 and v1 sign no time, and only deduplication stops their replay.
 */
export function verifyHubSpot(
	request: HubSpotRequest,
	secrets: readonly string[],
	versions: HubSpotVersions,
	options: VerifyOptions,
): VerificationResult {
	const v3 = singleHeader(request.headers, V3_HEADER);
	if (isFailure(v3)) return v3;
	if (v3) return verifyV3(request, secrets, v3, options);
	if (versions === 'v3') return fail('missing', `Missing ${V3_HEADER} header (this trigger accepts v3 signatures only)`);
	return verifyLegacy(request, secrets);
}
