/**
 * Per-endpoint rate limit: requests to one origin are spaced evenly at the configured rate, for every
 * execution that uses the same store (this n8n process, or every process sharing Redis/PostgreSQL).
 *
 * The bucket is kept as one number, the "theoretical arrival time" of the generic cell rate algorithm:
 * the earliest moment the next request may go. Taking a turn moves it one interval on; a 429 or 503
 * pushes it past the receiver's Retry-After, which slows the endpoint down for everyone at once.
 */
import { OutboundConfigError } from './errors';

export type RatePeriod = 'second' | 'minute';

export interface RateLimit {
	requests: number;
	per: RatePeriod;
}

const PERIOD_MS: Record<RatePeriod, number> = { second: 1_000, minute: 60_000 };

/** A pause asked for without a Retry-After (a bare 429): one second, a common receiver window. */
export const DEFAULT_PAUSE_MS = 1_000;

/**
 * Requests are spaced 2 % wider than the rate. A receiver counts them in windows, and timers fire
 * late, so a sender paced exactly at the limit now and then puts one request too many into a window
 * (and each 429 pauses the endpoint). One second holds fifty intervals at 50/s: 2 % of them absorbs
 * 20 ms of lateness, for 2 % less than the limit.
 */
const SPACING_MARGIN = 1.02;

/** Milliseconds between two requests to one endpoint. Refuses a rate that is not a positive number, naming the field. */
export function intervalOf(limit: RateLimit, field = 'Rate Limit › Requests'): number {
	const { requests } = limit;
	if (typeof requests !== 'number' || !Number.isFinite(requests) || requests <= 0) {
		throw new OutboundConfigError(
			field,
			`${field} must be a number above 0`,
			`Got ${String(requests)}; set how many requests the receiver accepts per ${limit.per}, e.g. 50`,
		);
	}
	return (PERIOD_MS[limit.per] / requests) * SPACING_MARGIN;
}

/** Takes a turn: how long to wait from `now`, and the bucket's next arrival time. */
export function takeTurn(arrival: number | undefined, now: number, intervalMs: number): { waitMs: number; arrival: number } {
	const start = Math.max(arrival ?? now, now);
	return { waitMs: start - now, arrival: start + intervalMs };
}

/** The bucket's arrival time after a pause of `pauseMs` from `now`: nothing goes before it ends. */
export const pausedArrival = (arrival: number | undefined, now: number, pauseMs: number) => Math.max(arrival ?? now, now + pauseMs);

/**
 * How long the whole endpoint should pause after this answer: the receiver's Retry-After after a 429
 * or 503 (a second for a 429 without one), capped by the retry policy's maximum delay; undefined for
 * any other answer.
 */
export function adaptivePauseMs(statusCode: number | undefined, retryAfterMs: number | undefined, maxDelayMs: number): number | undefined {
	if (statusCode === 429) return Math.min(retryAfterMs ?? DEFAULT_PAUSE_MS, maxDelayMs);
	if (statusCode === 503 && retryAfterMs !== undefined) return Math.min(retryAfterMs, maxDelayMs);
	return undefined;
}

/** Where buckets live. Keys name the endpoint and the rate, so nodes with different limits do not share. */
export interface RateStore {
	/** Reserves the next turn: how many milliseconds to wait for it (a process store answers at once, a shared one later). */
	take(key: string, intervalMs: number): number | Promise<number>;
	/** Nothing goes to this endpoint for `pauseMs` from now (turns already reserved are re-checked by the limiter). */
	pause(key: string, pauseMs: number): Promise<void>;
}

/** Buckets of this n8n process; idle ones are dropped so the map stays small. */
export class ProcessRateStore implements RateStore {
	private readonly arrivals = new Map<string, number>();

	constructor(private readonly now: () => number = Date.now) {}

	take(key: string, intervalMs: number): number {
		const now = this.now();
		const turn = takeTurn(this.arrivals.get(key), now, intervalMs);
		this.arrivals.set(key, turn.arrival);
		if (this.arrivals.size > 1_000) this.dropIdle(now);
		return turn.waitMs;
	}

	async pause(key: string, pauseMs: number): Promise<void> {
		const now = this.now();
		this.arrivals.set(key, pausedArrival(this.arrivals.get(key), now, pauseMs));
	}

	private dropIdle(now: number) {
		for (const [key, arrival] of this.arrivals) if (arrival < now) this.arrivals.delete(key);
	}
}

/** Shared by every execution of this process. */
export const processRateStore = new ProcessRateStore();

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** At most this many re-checks of one turn after pauses, so a receiver that keeps pausing cannot hold a worker forever. */
const MAX_TURN_CHECKS = 100;

/**
 * One run's view of the rate limit. Remembers pauses it learnt of, so a worker that reserved its
 * turn before a 429 arrived takes a new turn after the pause instead of sending into it.
 */
export class EndpointLimiter {
	private readonly pausedUntil = new Map<string, number>();

	constructor(
		private readonly store: RateStore,
		private readonly intervalMs: number,
		private readonly now: () => number,
	) {}

	private key(origin: string) {
		return `${origin}|${this.intervalMs}`;
	}

	/**
	 * Waits for this endpoint's next turn; gives the milliseconds spent waiting for it. A turn that is free now
	 * in the process's own store is answered without a promise: at a limit far above need that is every turn,
	 * and the limiter should cost next to nothing there.
	 */
	waitForTurn(origin: string, sleep: Sleep, signal?: AbortSignal, maxWaitMs = Infinity): number | Promise<number> {
		if (signal?.aborted) return 0;
		const first = this.store.take(this.key(origin), this.intervalMs);
		if (typeof first === 'number' && first < 1 && !this.pausedAfter(origin, this.now() + first)) return 0;
		return this.waitInTurns(origin, first, sleep, signal, maxWaitMs);
	}

	/** The end of a pause this run learnt of, when it lasts beyond `maxWaitMs` from now: a turn not worth waiting for. */
	pausedLongerThan(origin: string, maxWaitMs: number): number | undefined {
		const until = this.pausedUntil.get(origin);
		return until !== undefined && until > this.now() + maxWaitMs ? until : undefined;
	}

	private async waitInTurns(
		origin: string,
		first: number | Promise<number>,
		sleep: Sleep,
		signal: AbortSignal | undefined,
		maxWaitMs: number,
	): Promise<number> {
		let waited = 0;
		let taken = first;
		for (let check = 1; ; check++) {
			const waitMs = await taken;
			const turnAt = this.now() + waitMs;
			// A timer cannot wait less than a millisecond: a shorter wait would cost a whole one per request at high rates.
			if (waitMs >= 1) {
				await sleep(waitMs, signal);
				waited += waitMs;
			}
			if (!this.pausedAfter(origin, turnAt) || check >= MAX_TURN_CHECKS || signal?.aborted) return waited;
			// A pause longer than the caller waits in this run: it sends the item to Retry Later instead.
			if (this.pausedLongerThan(origin, maxWaitMs) !== undefined) return waited;
			taken = this.store.take(this.key(origin), this.intervalMs);
		}
	}

	/** Whether a pause this run learnt of still holds at `time`: a turn reserved before it must be taken again. */
	private pausedAfter(origin: string, time: number): boolean {
		return (this.pausedUntil.get(origin) ?? 0) > time;
	}

	/** After an answer: a 429 or 503 pauses the endpoint for every user of the store. */
	onAnswer(
		origin: string,
		statusCode: number | undefined,
		retryAfterMs: number | undefined,
		maxDelayMs: number,
	): Promise<void> | undefined {
		const pauseMs = adaptivePauseMs(statusCode, retryAfterMs, maxDelayMs);
		if (pauseMs === undefined || pauseMs <= 0) return undefined;
		this.pausedUntil.set(origin, Math.max(this.pausedUntil.get(origin) ?? 0, this.now() + pauseMs));
		return this.store.pause(this.key(origin), pauseMs);
	}
}
