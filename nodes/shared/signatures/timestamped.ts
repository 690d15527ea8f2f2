/**
 * The Stripe-style scheme: `t=<unix>,v1=<hex>` in one header, HMAC-SHA256 over `<t>.<raw body>`.
 * As in stripe-node, the whole secret string (including any `whsec_` prefix) is the key.
 */
import { createHmac } from 'node:crypto';

import { matchingHmacSecretIndex } from './constantTime';
import { hmacKey } from './hmacKey';
import type { HeaderBag, VerificationResult, VerifyOptions } from './types';
import { checkTimestamp, fail, isFailure, signatureHeader } from './types';

/** `timestamp` is signed as the header's `t=` carries it: verifying passes that text, not the seconds read from it. */
export function computeTimestampedSignature(secret: string, timestamp: number | string, body: Buffer): string {
	return createHmac('sha256', hmacKey(secret)).update(`${timestamp}.`).update(body).digest('hex');
}

export function signTimestamped(headerName: string, secret: string, body: Buffer, timestampSeconds: number): Record<string, string> {
	return { [headerName]: `t=${timestampSeconds},v1=${computeTimestampedSignature(secret, timestampSeconds, body)}` };
}

export function verifyTimestamped(
	headerName: string,
	secrets: readonly string[],
	headers: HeaderBag,
	rawBody: Buffer,
	options: VerifyOptions,
): VerificationResult {
	const header = signatureHeader(headers, headerName);
	if (isFailure(header)) return header;

	let timestamp: string | undefined;
	const signatures: string[] = [];
	for (const part of header.split(',')) {
		const separator = part.indexOf('=');
		if (separator < 1) return fail('malformed', `Header ${headerName} is not in the form t=<unix>,v1=<hex>`);
		const key = part.slice(0, separator).trim();
		const value = part.slice(separator + 1).trim();
		if (key === 't') timestamp = value;
		else if (key === 'v1') signatures.push(value.toLowerCase());
	}
	if (signatures.length === 0) return fail('malformed', `Header ${headerName} holds no v1 signature`);
	const timestampSeconds = checkTimestamp(timestamp, `${headerName} t=`, options);
	if (isFailure(timestampSeconds)) return timestampSeconds;

	const secretIndex = matchingHmacSecretIndex(secrets, signatures, (secret) =>
		computeTimestampedSignature(secret, timestamp as string, rawBody),
	);
	if (secretIndex < 0) return fail('mismatch', `Signature in ${headerName} does not match the body`);
	return { valid: true, scheme: 'timestamped-hmac-sha256', secretIndex, timestampSeconds };
}
