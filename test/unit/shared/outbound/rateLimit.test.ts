import { OutboundConfigError } from '../../../../nodes/shared/outbound/errors';
import {
	EndpointLimiter,
	ProcessRateStore,
	adaptivePauseMs,
	intervalOf,
	pausedArrival,
	takeTurn,
} from '../../../../nodes/shared/outbound/rateLimit';

describe('intervalOf', () => {
	it('spaces requests by the period over the count, 2 % wider so late timers never put one too many into a window', () => {
		expect(intervalOf({ requests: 50, per: 'second' })).toBeCloseTo(20.4, 10);
		expect(intervalOf({ requests: 30, per: 'minute' })).toBeCloseTo(2_040, 10);
		expect(intervalOf({ requests: 0.5, per: 'second' })).toBeCloseTo(2_040, 10);
		// 51 requests never fit in one second, even when the first fires 19 ms late and the last on time.
		expect(50 * intervalOf({ requests: 50, per: 'second' }) - 19).toBeGreaterThan(1_000);
	});

	it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a rate of %p, naming the field', (requests) => {
		let error: unknown;
		try {
			intervalOf({ requests, per: 'second' }, 'Requests');
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(OutboundConfigError);
		expect((error as OutboundConfigError).field).toBe('Requests');
		expect((error as OutboundConfigError).message).toBe('Requests must be a number above 0');
	});
});

describe('takeTurn and pausedArrival', () => {
	it('lets the first request go now and the next one an interval later', () => {
		expect(takeTurn(undefined, 1_000, 20)).toEqual({ waitMs: 0, arrival: 1_020 });
		expect(takeTurn(1_020, 1_005, 20)).toEqual({ waitMs: 15, arrival: 1_040 });
	});

	it('does not save up turns while idle: a late request goes now, and the next one a full interval later', () => {
		expect(takeTurn(1_020, 5_000, 20)).toEqual({ waitMs: 0, arrival: 5_020 });
	});

	it('a pause pushes the next turn past its end, never earlier than already planned', () => {
		expect(pausedArrival(1_020, 1_000, 2_000)).toBe(3_000);
		expect(pausedArrival(9_000, 1_000, 2_000)).toBe(9_000);
	});
});

describe('adaptivePauseMs', () => {
	it('pauses for Retry-After on 429 and 503, a second for a bare 429, capped by Max Delay', () => {
		expect(adaptivePauseMs(429, 3_000, 60_000)).toBe(3_000);
		expect(adaptivePauseMs(429, undefined, 60_000)).toBe(1_000);
		expect(adaptivePauseMs(503, 5_000, 60_000)).toBe(5_000);
		expect(adaptivePauseMs(429, 120_000, 60_000)).toBe(60_000);
	});

	it('does not pause for a 503 without Retry-After, or any other answer', () => {
		expect(adaptivePauseMs(503, undefined, 60_000)).toBeUndefined();
		expect(adaptivePauseMs(500, 5_000, 60_000)).toBeUndefined();
		expect(adaptivePauseMs(200, undefined, 60_000)).toBeUndefined();
	});
});

function clock() {
	let now = 10_000;
	const slept: number[] = [];
	return {
		now: () => now,
		advance: (ms: number) => (now += ms),
		slept,
		sleep: async (ms: number) => {
			slept.push(ms);
			now += ms;
		},
	};
}

describe('EndpointLimiter over the process store', () => {
	it('spaces turns of one endpoint and leaves other endpoints alone', async () => {
		const time = clock();
		const store = new ProcessRateStore(time.now);
		const limiter = new EndpointLimiter(store, 100, time.now);
		const other = new EndpointLimiter(store, 100, time.now);
		expect(await limiter.waitForTurn('https://a.example', async () => undefined)).toBe(0);
		expect(await store.take('https://a.example|100', 100)).toBe(100);
		expect(await other.waitForTurn('https://b.example', async () => undefined)).toBe(0);
	});

	it('shares the bucket between limiters (executions) of one process', async () => {
		const time = clock();
		const store = new ProcessRateStore(time.now);
		const first = new EndpointLimiter(store, 50, time.now);
		const second = new EndpointLimiter(store, 50, time.now);
		await first.waitForTurn('https://a.example', time.sleep);
		await second.waitForTurn('https://a.example', time.sleep);
		await first.waitForTurn('https://a.example', time.sleep);
		// The first turn is due at once: no timer.
		expect(time.slept).toEqual([50, 50]);
	});

	it('sends at once when the turn is less than a millisecond away, where a timer would wait a whole one', async () => {
		const time = clock();
		const limiter = new EndpointLimiter(new ProcessRateStore(time.now), 0.01, time.now);
		for (let turn = 0; turn < 50; turn++) await limiter.waitForTurn('https://a.example', time.sleep);
		expect(time.slept).toEqual([]);
	});

	it('answers a free turn of the process store at once, without a promise, and a turn to wait for with one', async () => {
		const time = clock();
		const limiter = new EndpointLimiter(new ProcessRateStore(time.now), 100, time.now);
		expect(limiter.waitForTurn('https://a.example', time.sleep)).toBe(0);
		const later = limiter.waitForTurn('https://a.example', time.sleep);
		expect(later).toBeInstanceOf(Promise);
		expect(await later).toBe(100);
		expect(limiter.onAnswer('https://a.example', 200, undefined, 60_000)).toBeUndefined();
	});

	it('after a 429 with Retry-After, every user of the endpoint waits for the pause', async () => {
		const time = clock();
		const store = new ProcessRateStore(time.now);
		const first = new EndpointLimiter(store, 10, time.now);
		const second = new EndpointLimiter(store, 10, time.now);
		await first.onAnswer('https://a.example', 429, 2_000, 60_000);
		expect(await second.waitForTurn('https://a.example', time.sleep)).toBe(2_000);
	});

	it('a turn reserved before a pause is taken again after it', async () => {
		const time = clock();
		const store = new ProcessRateStore(time.now);
		const limiter = new EndpointLimiter(store, 100, time.now);
		await limiter.waitForTurn('https://a.example', time.sleep);
		// This worker's turn is 100 ms away; while it sleeps, another attempt gets a 429 asking for 1 s.
		const waited = await limiter.waitForTurn('https://a.example', async (ms) => {
			if (ms === 100) await limiter.onAnswer('https://a.example', 429, 1_000, 60_000);
			await time.sleep(ms);
		});
		expect(waited).toBeGreaterThanOrEqual(1_000);
	});
});
