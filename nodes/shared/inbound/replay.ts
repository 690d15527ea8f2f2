import type { Rejection } from './rejection';
import { reject } from './rejection';

/** Five minutes, as Stripe and Standard Webhooks recommend. */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

/**
 * Refuses a signed timestamp outside the window, in either direction (a clock far ahead is as
 * suspicious as a stale message). Schemes without a signed timestamp have nothing to check here;
 * deduplication covers them. A window of 0 turns the check off.
 */
export function checkReplayWindow(timestampSeconds: number | undefined, windowSeconds: number, nowSeconds: number): Rejection | undefined {
	if (timestampSeconds === undefined || windowSeconds <= 0) return undefined;
	if (Math.abs(nowSeconds - timestampSeconds) <= windowSeconds) return undefined;
	return reject(401, 'replayed', `Signed timestamp is outside the ${windowSeconds} s replay window`);
}
