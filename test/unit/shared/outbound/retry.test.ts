import type { AttemptOutcome, RetryPolicy } from '../../../../nodes/shared/outbound/retry';
import {
	DEFAULT_RETRY_POLICY,
	backoffDelay,
	decide,
	parseDuration,
	parseRetryAfter,
	parseSchedule,
	parseStatusList,
} from '../../../../nodes/shared/outbound/retry';

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...overrides });
const status = (statusCode: number, retryAfterMs?: number): AttemptOutcome => ({ kind: 'response', statusCode, retryAfterMs });
const network = (code: string, retryable = true): AttemptOutcome => ({ kind: 'error', code, timeout: code === 'ETIMEDOUT', retryable });

describe('durations, schedules and status lists', () => {
	it('parses durations with units; a bare number is seconds', () => {
		expect([
			parseDuration('500ms', 'x'),
			parseDuration('30s', 'x'),
			parseDuration('5m', 'x'),
			parseDuration('2h', 'x'),
			parseDuration('1d', 'x'),
			parseDuration('1.5', 'x'),
		]).toEqual([500, 30_000, 300_000, 7_200_000, 86_400_000, 1_500]);
		expect(() => parseDuration('5 minutes', 'Schedule')).toThrow('"5 minutes" is not a duration');
	});

	it('parses the Freshsales-like schedule 1m,5m,30m,2h,24h', () => {
		expect(parseSchedule('1m,5m,30m,2h,24h')).toEqual([60_000, 300_000, 1_800_000, 7_200_000, 86_400_000]);
		expect(parseSchedule(' 1m ; 2m 3m ')).toEqual([60_000, 120_000, 180_000]);
		expect(() => parseSchedule(' , ')).toThrow('Schedule is empty');
		expect(() => parseSchedule(Array(101).fill('1s').join(','))).toThrow(/more than 100/);
	});

	it('parses status lists and ranges', () => {
		expect([...parseStatusList('408, 429,500-502')]).toEqual([408, 429, 500, 501, 502]);
		for (const bad of ['abc', '99', '600', '503-500', '5xx']) expect(() => parseStatusList(bad)).toThrow(/is not an HTTP status or range/);
	});
});

describe('backoff', () => {
	it('grows exponentially with equal jitter and respects the maximum', () => {
		const p = policy({ baseDelayMs: 1_000, maxDelayMs: 10_000 });
		expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(p, attempt, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
		expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(p, attempt, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
		expect(backoffDelay(p, 1000, () => 1)).toBe(10_000);
	});

	it('grows linearly', () => {
		const p = policy({ backoff: 'linear', baseDelayMs: 2_000, maxDelayMs: 5_000 });
		expect([1, 2, 3].map((attempt) => backoffDelay(p, attempt))).toEqual([2_000, 4_000, 5_000]);
	});

	it('follows a fixed schedule and repeats its last entry', () => {
		const p = policy({ backoff: 'schedule', scheduleMs: [60_000, 300_000] });
		expect([1, 2, 3].map((attempt) => backoffDelay(p, attempt))).toEqual([60_000, 300_000, 300_000]);
	});
});

describe('Retry-After', () => {
	const now = Date.parse('2025-01-01T00:00:00Z');

	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('120', now)).toBe(120_000);
		expect(parseRetryAfter(['7'], now)).toBe(7_000);
		expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
		// RFC 1123 allows a one-digit day; Java's DateTimeFormatter.RFC_1123_DATE_TIME writes it so.
		expect(parseRetryAfter('Wed, 1 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
		// RFC 9110's obsolete forms, which recipients must still read.
		expect(parseRetryAfter('Wednesday, 01-Jan-25 00:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Wed Jan  1 00:00:30 2025', now)).toBe(30_000);
	});

	it('ignores what it cannot read, however V8 would parse it as a date', () => {
		for (const value of [undefined, '', '-5', '1.5', 'soon', '12:00', 'in 5', 'May 1', '2025-01-01T00:00:30Z', 'Wed, 01 Jan 2025']) {
			expect(parseRetryAfter(value, now)).toBeUndefined();
		}
	});
});

describe('decide', () => {
	const random = () => 1;

	it('delivers on 2xx', () => {
		for (const code of [200, 201, 202, 204]) expect(decide(policy(), 1, status(code))).toEqual({ action: 'delivered' });
	});

	it('fails at once on 3xx and 4xx outside the list', () => {
		for (const code of [301, 302, 304, 400, 401, 403, 404, 405, 409, 410, 422]) {
			expect(decide(policy(), 1, status(code))).toEqual({ action: 'fail', exhausted: false });
		}
	});

	it('retries the default statuses, network errors and timeouts', () => {
		for (const code of [408, 425, 429, 500, 502, 503, 504])
			expect(decide(policy(), 1, status(code), random)).toMatchObject({ action: 'retry' });
		expect(decide(policy(), 1, network('ECONNRESET'), random)).toMatchObject({ action: 'retry', delayMs: 1_000, later: false });
		expect(decide(policy(), 1, network('ETIMEDOUT'), random)).toMatchObject({ action: 'retry' });
		expect(decide(policy(), 1, network('ENOTFOUND', false))).toEqual({ action: 'fail', exhausted: false });
		expect(decide(policy({ retryTimeouts: false }), 1, network('ETIMEDOUT'))).toEqual({ action: 'fail', exhausted: false });
		expect(decide(policy({ retryNetworkErrors: false }), 1, network('ECONNRESET'))).toEqual({ action: 'fail', exhausted: false });
	});

	it('gives up when the attempts are used up', () => {
		expect(decide(policy({ maxAttempts: 3 }), 3, status(503))).toEqual({ action: 'fail', exhausted: true });
		expect(decide(policy({ maxAttempts: 1 }), 1, status(503))).toEqual({ action: 'fail', exhausted: true });
	});

	it('honours Retry-After, clamped to the maximum delay', () => {
		expect(decide(policy(), 1, status(429, 7_000), random)).toEqual({ action: 'retry', delayMs: 7_000, later: false });
		expect(decide(policy({ maxDelayMs: 60_000 }), 1, status(503, 3_600_000))).toEqual({ action: 'retry', delayMs: 60_000, later: false });
	});

	it('takes "retry now" (Retry-After: 0, or a date past) as no pacing: the backoff applies', () => {
		const p = policy({ backoff: 'schedule', scheduleMs: [5_000, 10_000] });
		expect(decide(p, 1, status(503, 0))).toEqual({ action: 'retry', delayMs: 5_000, later: false });
		expect(decide(p, 2, status(429, 0))).toEqual({ action: 'retry', delayMs: 10_000, later: false });
	});

	it('sends long waits to Retry Later, above the threshold only', () => {
		const p = policy({ backoff: 'schedule', scheduleMs: [65_000, 65_001], maxAttempts: 3 });
		expect(decide(p, 1, status(503))).toEqual({ action: 'retry', delayMs: 65_000, later: false });
		expect(decide(p, 2, status(503))).toEqual({ action: 'retry', delayMs: 65_001, later: true });
		expect(decide(policy({ retryLaterThresholdMs: 0 }), 1, status(503), random)).toMatchObject({ later: true });
	});

	it('continues a schedule from the attempt count a returning item carries', () => {
		const p = policy({ backoff: 'schedule', scheduleMs: [60_000, 300_000, 1_800_000, 7_200_000, 86_400_000], maxAttempts: 6 });
		expect(decide(p, 4, status(500))).toEqual({ action: 'retry', delayMs: 7_200_000, later: true });
		expect(decide(p, 6, status(500))).toEqual({ action: 'fail', exhausted: true });
	});

	it('accepts custom status lists', () => {
		const p = policy({ retryStatuses: parseStatusList('409') });
		expect(decide(p, 1, status(409), random)).toMatchObject({ action: 'retry' });
		expect(decide(p, 1, status(503))).toEqual({ action: 'fail', exhausted: false });
	});
});
