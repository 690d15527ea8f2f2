import { OutboundConfigError } from './errors';

export type Backoff = 'exponential' | 'linear' | 'schedule';

export interface RetryPolicy {
	/** Total attempts, the first one included. For a schedule: its length + 1. */
	maxAttempts: number;
	backoff: Backoff;
	baseDelayMs: number;
	/** Caps exponential/linear backoff and any Retry-After a receiver asks for. */
	maxDelayMs: number;
	/** Delay before attempt 2, 3, …; used when `backoff` is `schedule`. */
	scheduleMs: number[];
	retryStatuses: ReadonlySet<number>;
	retryNetworkErrors: boolean;
	retryTimeouts: boolean;
	/** A wait longer than this leaves the execution: the item goes to Retry Later. */
	retryLaterThresholdMs: number;
}

export const DEFAULT_RETRY_STATUSES = [408, 425, 429, 500, 502, 503, 504];
/** n8n's Wait node keeps waits under 65 s in memory and persists longer ones. */
export const DEFAULT_RETRY_LATER_THRESHOLD_MS = 65_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	backoff: 'exponential',
	baseDelayMs: 1_000,
	maxDelayMs: 3_600_000,
	scheduleMs: [],
	retryStatuses: new Set(DEFAULT_RETRY_STATUSES),
	retryNetworkErrors: true,
	retryTimeouts: true,
	retryLaterThresholdMs: DEFAULT_RETRY_LATER_THRESHOLD_MS,
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `5m`, `2h`, `1d`; a bare number means seconds. */
export function parseDuration(text: string, field: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
	if (!match) {
		throw new OutboundConfigError(field, `"${text}" is not a duration`, 'Write durations like 30s, 5m, 2h or 1d');
	}
	return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's').toLowerCase()]);
}

/** A fixed schedule such as `1m,5m,30m,2h,24h`: the waits before the 2nd, 3rd, … attempt. */
export function parseSchedule(text: string, field = 'Schedule'): number[] {
	const entries = text.split(/[,;\s]+/).filter((entry) => entry !== '');
	if (entries.length === 0)
		throw new OutboundConfigError(field, `${field} is empty`, 'Write the waits between attempts, e.g. 1m,5m,30m,2h,24h');
	if (entries.length > 100) throw new OutboundConfigError(field, `${field} has more than 100 entries`, 'Shorten it');
	return entries.map((entry) => parseDuration(entry, field));
}

/** `408, 429, 500-599` → the set of statuses; ranges allowed. */
export function parseStatusList(text: string, field = 'Retry On Statuses'): Set<number> {
	const statuses = new Set<number>();
	for (const entry of text.split(/[,;\s]+/).filter((part) => part !== '')) {
		const match = /^(\d{3})(?:-(\d{3}))?$/.exec(entry);
		const from = match ? Number(match[1]) : NaN;
		const to = match?.[2] ? Number(match[2]) : from;
		if (!match || from < 100 || to > 599 || to < from) {
			throw new OutboundConfigError(
				field,
				`"${entry}" is not an HTTP status or range`,
				'Write statuses like 429, 503 or ranges like 500-599',
			);
		}
		for (let status = from; status <= to; status++) statuses.add(status);
	}
	return statuses;
}

/**
 * Wait after the given failed attempt (1-based), before any Retry-After. Exponential backoff uses
 * "equal jitter": half the step fixed, half random, so retries from many items spread out.
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
	switch (policy.backoff) {
		case 'schedule': {
			const schedule = policy.scheduleMs;
			return schedule[Math.min(failedAttempt, schedule.length) - 1] ?? 0;
		}
		case 'linear':
			return Math.min(policy.maxDelayMs, policy.baseDelayMs * failedAttempt);
		case 'exponential': {
			const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(failedAttempt - 1, 40));
			return Math.round(step / 2 + random() * (step / 2));
		}
	}
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/**
 * The three forms of an HTTP date (RFC 9110 §5.6.7): IMF-fixdate, RFC 850 and asctime; IMF-fixdate also with a
 * one-digit day, as RFC 1123 allows and Java's RFC_1123_DATE_TIME writes it. Anything else is not a date: V8's
 * lenient Date.parse reads "in 5" as 2001-05-01, a date long past, so "retry now".
 */
const HTTP_DATE = new RegExp(
	`^(?:${DAY}, \\d{1,2} ${MONTH} \\d{4} ${TIME} GMT|[A-Z][a-z]+day, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4})$`,
);

/**
 * Retry-After as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable; a date in the past means "now".
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
	const value = (Array.isArray(header) ? header[0] : header)?.trim();
	if (!value) return undefined;
	if (/^\d+$/.test(value)) return Number(value) * 1000;
	if (!HTTP_DATE.test(value)) return undefined;
	const date = Date.parse(value.endsWith('GMT') ? value : `${value} GMT`);
	return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** What happened on one attempt, as far as retrying is concerned. */
export type AttemptOutcome =
	| { kind: 'response'; statusCode: number; retryAfterMs?: number }
	| { kind: 'error'; code: string; timeout: boolean; retryable: boolean };

export type Decision =
	| { action: 'delivered' }
	| { action: 'fail'; exhausted: boolean }
	| { action: 'retry'; delayMs: number; later: boolean };

export const isSuccessStatus = (statusCode: number) => statusCode >= 200 && statusCode < 300;

/** Whether this outcome may be retried at all, whatever the attempt count. */
export function isRetryable(policy: RetryPolicy, outcome: AttemptOutcome): boolean {
	if (outcome.kind === 'response') return policy.retryStatuses.has(outcome.statusCode);
	if (outcome.timeout) return policy.retryTimeouts;
	return outcome.retryable && policy.retryNetworkErrors;
}

/**
 * The next step after attempt number `attemptsMade` (1-based, counting attempts of earlier runs).
 * 2xx is delivered; 3xx and any status not listed fail at once; the rest wait and retry, inside
 * this execution or, above the threshold, through the Retry Later output.
 */
export function decide(policy: RetryPolicy, attemptsMade: number, outcome: AttemptOutcome, random?: () => number): Decision {
	if (outcome.kind === 'response' && isSuccessStatus(outcome.statusCode)) return { action: 'delivered' };
	if (!isRetryable(policy, outcome)) return { action: 'fail', exhausted: false };
	if (attemptsMade >= policy.maxAttempts) return { action: 'fail', exhausted: true };
	const retryAfter = outcome.kind === 'response' ? outcome.retryAfterMs : undefined;
	// "Retry now" (0, or a date past) says nothing about pacing: the backoff applies, so retries do not hammer the receiver.
	const delayMs = retryAfter ? Math.min(retryAfter, policy.maxDelayMs) : backoffDelay(policy, attemptsMade, random);
	return { action: 'retry', delayMs, later: delayMs > policy.retryLaterThresholdMs };
}
