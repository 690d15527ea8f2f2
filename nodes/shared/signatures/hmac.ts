import { createHmac } from 'node:crypto';

import { rememberFirst } from '../boundedCache';
import { matchingHmacSecretIndex } from './constantTime';
import type { KeyEncoding } from './hmacKey';
import { hmacKey, KEY_DECODERS } from './hmacKey';
import type { HeaderBag, VerificationResult, VerificationSuccess, VerifyOptions } from './types';
import { checkTimestamp, fail, isFailure, signatureHeader, singleHeader } from './types';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/** A plain HMAC signature header, as SalesOS (`X-Webhook-Signature`), GitHub (`sha256=`) and many CRMs send it. */
export interface HmacScheme {
	headerName: string;
	algorithm: HmacAlgorithm;
	encoding: SignatureEncoding;
	/** Text before the digest in the header, such as `sha256=`. */
	prefix: string;
	/**
	 * `body`: the raw body is signed. `timestampDotBody`: `<timestamp>.<raw body>`. `timestampBody`:
	 * `<timestamp><raw body>` without a separator (Close).
	 */
	signedContent: 'body' | 'timestampDotBody' | 'timestampBody';
	/** Header carrying the unix timestamp when the timestamp is signed. */
	timestampHeaderName: string;
	/** How the secret becomes the key: its UTF-8 bytes (default), or hex-decoded (Close's `signature_key`) and so on. */
	keyEncoding?: KeyEncoding;
}

const signsTimestamp = (scheme: HmacScheme) => scheme.signedContent !== 'body';

/** `timestamp` is the timestamp header's text: the sender signed it as sent, milliseconds or leading zeros included. */
function signedPayload(scheme: HmacScheme, body: Buffer, timestamp: string): Buffer {
	if (scheme.signedContent === 'body') return body;
	const separator = scheme.signedContent === 'timestampDotBody' ? '.' : '';
	return Buffer.concat([Buffer.from(`${timestamp}${separator}`), body]);
}

export function computeHmac(
	secret: string,
	algorithm: HmacAlgorithm,
	payload: Buffer,
	encoding: SignatureEncoding,
	keyEncoding: KeyEncoding = 'utf8',
): string {
	return createHmac(algorithm, hmacKey(secret, KEY_DECODERS[keyEncoding])).update(payload).digest(encoding);
}

/**
 * A plain HMAC header holds one digest, so during a secret rotation the previous secret's signature
 * travels beside it, in `X-Webhook-Signature-Previous` say. Triggers accept either.
 */
export const previousSignatureHeader = (headerName: string) => `${headerName}-Previous`;

/** The previous signature's header name, kept per scheme header name (see headerKey in types.ts). */
const previousHeaderOf = rememberFirst(previousSignatureHeader, 64);

/** Headers to add to an outgoing request. */
export function signHmac(scheme: HmacScheme, secret: string, body: Buffer, timestampSeconds: number): Record<string, string> {
	const timestamp = String(timestampSeconds);
	const digest = computeHmac(secret, scheme.algorithm, signedPayload(scheme, body, timestamp), scheme.encoding, scheme.keyEncoding);
	const headers: Record<string, string> = { [scheme.headerName]: `${scheme.prefix}${digest}` };
	if (signsTimestamp(scheme)) headers[scheme.timestampHeaderName] = timestamp;
	return headers;
}

/** Hex digests are compared case-insensitively; senders differ in the case they print. */
const normalisedDigest = (scheme: HmacScheme, digest: string) => (scheme.encoding === 'hex' ? digest.toLowerCase() : digest);

/** Adds a received signature's digest (without the prefix) to those compared, when it carries the prefix. */
function addDigest(received: string[], scheme: HmacScheme, signature: string) {
	if (signature === '' || !signature.startsWith(scheme.prefix)) return;
	received.push(normalisedDigest(scheme, signature.slice(scheme.prefix.length)));
}

/** Verifies an incoming request against every active secret, over the exact raw body bytes. */
export function verifyHmac(
	scheme: HmacScheme,
	secrets: readonly string[],
	headers: HeaderBag,
	rawBody: Buffer,
	options: VerifyOptions,
): VerificationResult {
	const header = signatureHeader(headers, scheme.headerName);
	if (isFailure(header)) return header;

	let timestampSeconds = 0;
	let signedTimestamp = '';
	if (signsTimestamp(scheme)) {
		const rawTimestamp = singleHeader(headers, scheme.timestampHeaderName);
		if (isFailure(rawTimestamp)) return rawTimestamp;
		const checked = checkTimestamp(rawTimestamp, scheme.timestampHeaderName, options);
		if (isFailure(checked)) return checked;
		timestampSeconds = checked;
		signedTimestamp = rawTimestamp as string;
	}

	const value = header.trim();
	if (scheme.prefix && !value.startsWith(scheme.prefix)) {
		return fail('malformed', `Header ${scheme.headerName} does not start with "${scheme.prefix}"`);
	}
	const previous = singleHeader(headers, previousHeaderOf(scheme.headerName));
	if (isFailure(previous)) return previous;
	const received: string[] = [];
	addDigest(received, scheme, value);
	if (previous) addDigest(received, scheme, previous.trim());
	const payload = signedPayload(scheme, rawBody, signedTimestamp);
	const secretIndex = matchingHmacSecretIndex(secrets, received, (secret) =>
		normalisedDigest(scheme, computeHmac(secret, scheme.algorithm, payload, scheme.encoding, scheme.keyEncoding)),
	);
	if (secretIndex < 0) return fail('mismatch', `Signature in ${scheme.headerName} does not match the body`);
	// Built field by field: spreading an optional part into the literal cost more than the fields.
	const verified: VerificationSuccess = { valid: true, scheme: `hmac-${scheme.algorithm}`, secretIndex };
	if (signsTimestamp(scheme)) verified.timestampSeconds = timestampSeconds;
	return verified;
}
