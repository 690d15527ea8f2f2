import { createHmac, randomUUID } from 'node:crypto';

import { constantTimeIncludes } from './constantTime';
import { STANDARD_WEBHOOKS_HEADER_PREFIXES } from './defaults';
import { isEd25519Key, isEd25519SecretKey, signEd25519, verifyEd25519 } from './ed25519';
import { BASE64_TEXT, hmacKey } from './hmacKey';
import type { HeaderBag, VerificationResult, VerifyOptions } from './types';
import { checkTimestamp, fail, isFailure, singleHeader } from './types';

/**
 * Standard Webhooks (https://www.standardwebhooks.com, spec v1) signs `${webhook-id}.${webhook-timestamp}.${body}`
 * and sends space-separated signatures in `webhook-signature`: `v1,<base64>` is HMAC-SHA256 keyed with the base64
 * part of a `whsec_` secret; `v1a,<base64>` is Ed25519 with a `whsk_` secret key, checked with its `whpk_` public
 * key (`ed25519.ts`). A key's prefix says which it is, as the spec intends.
 * Svix, which the spec grew out of, sends the same values under `svix-*` names; both are accepted.
 */
const SECRET_PREFIX = 'whsec_';
/** v1a signatures checked per request: rotation needs two or three, and each check costs an Ed25519 verification. */
export const MAX_V1A_SIGNATURES = 8;

/** The HMAC key of a Standard Webhooks secret. Throws a plain-language error for a secret that is not base64. */
export function standardWebhooksKey(secret: string): Buffer {
	const base64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	if (!BASE64_TEXT.test(base64)) {
		throw new Error('A Standard Webhooks secret must be "whsec_" followed by base64, for example whsec_MfKQ9r8G…');
	}
	return Buffer.from(base64, 'base64');
}

const signedContent = (messageId: string, timestamp: number | string, body: Buffer) =>
	Buffer.concat([Buffer.from(`${messageId}.${timestamp}.`), body]);

const hmacSignature = (secret: string, messageId: string, timestamp: number | string, body: Buffer) =>
	createHmac('sha256', hmacKey(secret, standardWebhooksKey)).update(`${messageId}.${timestamp}.`).update(body).digest('base64');

/**
 * One `webhook-signature` entry: `v1a,…` for a `whsk_` secret key, `v1,…` for a `whsec_` secret; a `whpk_` public
 * key cannot sign and throws. `timestamp` is signed as `webhook-timestamp` carries it: verifying passes the header's
 * text, not the seconds read from it.
 */
export function computeStandardWebhookSignature(secret: string, messageId: string, timestamp: number | string, body: Buffer): string {
	if (isEd25519Key(secret)) return `v1a,${signEd25519(secret, signedContent(messageId, timestamp, body))}`;
	return `v1,${hmacSignature(secret, messageId, timestamp, body)}`;
}

/** Whether a key may sign outgoing requests: a `whpk_` public key only verifies. */
export const canSignStandardWebhook = (key: string) => !isEd25519Key(key) || isEd25519SecretKey(key);

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

/** `keys`: `whsec_` secrets, `whpk_` public keys and `whsk_` secret keys, in any mix; the index of the one that matched is reported. */
export function verifyStandardWebhook(
	keys: readonly string[],
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

	const entries = (signatureHeader as string).split(' ');
	const symmetric = entries.filter((entry) => entry.startsWith('v1,'));
	const asymmetric = entries.filter((entry) => entry.startsWith('v1a,')).map((entry) => entry.slice('v1a,'.length));
	if (symmetric.length + asymmetric.length === 0) return fail('malformed', 'webhook-signature holds no v1 or v1a signature');
	if (asymmetric.length > MAX_V1A_SIGNATURES) {
		return fail('malformed', `webhook-signature holds more than ${MAX_V1A_SIGNATURES} v1a signatures`);
	}

	const id = messageId as string;
	const content = asymmetric.length > 0 ? signedContent(id, rawTimestamp as string, rawBody) : undefined;
	// Each key checks the signatures of its version: whsec_ the v1 ones, compared in constant time; whpk_/whsk_ the v1a ones.
	const secretIndex = keys.findIndex((key) =>
		isEd25519Key(key)
			? content !== undefined && asymmetric.some((signature) => verifyEd25519(key, content, signature))
			: symmetric.length > 0 && constantTimeIncludes(symmetric, `v1,${hmacSignature(key, id, rawTimestamp as string, rawBody)}`),
	);
	if (secretIndex < 0) return fail('mismatch', 'webhook-signature does not match the body');
	return { valid: true, scheme: 'standard-webhooks', secretIndex, timestampSeconds, messageId: messageId as string };
}
