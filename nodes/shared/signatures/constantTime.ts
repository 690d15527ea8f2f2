import { timingSafeEqual } from 'node:crypto';

import { isEd25519Key } from './ed25519';

/**
 * Compares two strings in time that does not depend on where they differ, so a caller cannot learn
 * a secret or signature byte by byte. Only the length is revealed, and signature lengths are public.
 */
export function constantTimeEqual(expected: string, received: string): boolean {
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(received, 'utf8');
	if (a.length !== b.length) {
		// Spend the same work as a real comparison so a length mismatch is not a faster path.
		timingSafeEqual(a, a);
		return false;
	}
	return timingSafeEqual(a, b);
}

/** True when `expected` is among the `received` values; every one is compared, never short-circuited. */
export function constantTimeIncludes(received: readonly string[], expected: string): boolean {
	let found = false;
	for (const value of received) {
		if (constantTimeEqual(expected, value)) found = true;
	}
	return found;
}

/**
 * Which of the active secrets (current first, then those kept for rotation) the sender used: the
 * index of the first secret whose expected value is among the `received` ones (a header may carry
 * several signatures), or -1 when none is. Every received value is compared in constant time.
 */
export function matchingSecretIndex(
	secrets: readonly string[],
	received: readonly string[],
	expectedFor: (secret: string) => string,
): number {
	return secrets.findIndex((secret) => constantTimeIncludes(received, expectedFor(secret)));
}

/**
 * matchingSecretIndex for HMAC signatures. A Standard Webhooks Ed25519 key (`whpk_`, `whsk_`) is never an HMAC
 * secret, so it never matches: a `whpk_` key is public, and an HMAC keyed with it could be made by anyone.
 */
export function matchingHmacSecretIndex(
	secrets: readonly string[],
	received: readonly string[],
	hmacFor: (secret: string) => string,
): number {
	return secrets.findIndex((secret) => !isEd25519Key(secret) && constantTimeIncludes(received, hmacFor(secret)));
}
