import { createHmac, randomUUID } from 'node:crypto';

import { matchingSecretIndex } from './constantTime';
import { STANDARD_WEBHOOKS_HEADER_PREFIXES } from './defaults';
import { BASE64_TEXT, hmacKey } from './hmacKey';
import type { HeaderBag, VerificationResult, VerifyOptions } from './types';
import { checkTimestamp, fail, isFailure, singleHeader } from './types';

/**
 * Standard Webhooks (https://www.standardwebhooks.com, spec v1): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed with the base64 part of a `whsec_` secret,
 * sent as space-separated `v1,<base64>` entries in `webhook-signature`.
 * Svix, which the spec grew out of, sends the same values under `svix-*` names; both are accepted.
 */
const SECRET_PREFIX = 'whsec_';

/** The HMAC key of a Standard Webhooks secret. Throws a plain-language error for a secret that is not base64. */
export function standardWebhooksKey(secret: string): Buffer {
	const base64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	if (!BASE64_TEXT.test(base64)) {
		throw new Error('A Standard Webhooks secret must be "whsec_" followed by base64, for example whsec_MfKQ9r8G…');
	}
	return Buffer.from(base64, 'base64');
}

/** `timestamp` is signed as `webhook-timestamp` carries it: verifying passes the header's text, not the seconds read from it. */
export function computeStandardWebhookSignature(secret: string, messageId: string, timestamp: number | string, body: Buffer): string {
	const hmac = createHmac('sha256', hmacKey(secret, standardWebhooksKey));
	hmac.update(`${messageId}.${timestamp}.`);
	hmac.update(body);
	return `v1,${hmac.digest('base64')}`;
}

/** Headers for an outgoing request. `messageId` should stay the same across retries of one message. */
export function signStandardWebhook(
	secret: string,
	body: Buffer,
	timestampSeconds: number,
	messageId: string = `msg_${randomUUID().replace(/-/g, '')}`,
): Record<string, string> {
	return {
		'webhook-id': messageId,
		'webhook-timestamp': String(timestampSeconds),
		'webhook-signature': computeStandardWebhookSignature(secret, messageId, timestampSeconds, body),
	};
}

function firstHeader(headers: HeaderBag, suffix: string) {
	const [standard, svix] = STANDARD_WEBHOOKS_HEADER_PREFIXES;
	const value = singleHeader(headers, `${standard}${suffix}`);
	return value === undefined ? singleHeader(headers, `${svix}${suffix}`) : value;
}

export function verifyStandardWebhook(
	secrets: readonly string[],
	headers: HeaderBag,
	rawBody: Buffer,
	options: VerifyOptions,
): VerificationResult {
	const messageId = firstHeader(headers, 'id');
	const rawTimestamp = firstHeader(headers, 'timestamp');
	const signatureHeader = firstHeader(headers, 'signature');
	for (const value of [messageId, rawTimestamp, signatureHeader]) if (isFailure(value)) return value;
	if (!messageId || !signatureHeader) {
		return fail('missing', 'Missing webhook-id or webhook-signature header');
	}
	const timestampSeconds = checkTimestamp(rawTimestamp as string | undefined, 'webhook-timestamp', options);
	if (isFailure(timestampSeconds)) return timestampSeconds;

	const received = (signatureHeader as string).split(' ').filter((entry) => entry.startsWith('v1,'));
	if (received.length === 0) return fail('malformed', 'webhook-signature holds no v1 signature');

	const secretIndex = matchingSecretIndex(secrets, received, (secret) =>
		computeStandardWebhookSignature(secret, messageId as string, rawTimestamp as string, rawBody),
	);
	if (secretIndex < 0) return fail('mismatch', 'webhook-signature does not match the body');
	return { valid: true, scheme: 'standard-webhooks', secretIndex, timestampSeconds, messageId: messageId as string };
}
