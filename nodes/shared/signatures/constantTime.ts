import { timingSafeEqual } from 'node:crypto';

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

/** True when `received` equals any of `candidates`; every candidate is compared, never short-circuited. */
export function constantTimeIncludes(candidates: readonly string[], received: string): boolean {
	let found = false;
	for (const candidate of candidates) {
		if (constantTimeEqual(candidate, received)) found = true;
	}
	return found;
}
