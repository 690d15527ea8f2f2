import type { JobState } from '../../../../nodes/shared/outbound/deliveryQueue';
import { DeliveryQueue, HANDOFF_MARGIN_MS } from '../../../../nodes/shared/outbound/deliveryQueue';
import type { DeliveryResult, DeliveryJob } from '../../../../nodes/shared/outbound/deliveryTypes';

const job = {
	itemIndexes: [0],
	method: 'POST',
	url: new URL('http://127.0.0.1/'),
	redactedUrl: 'http://127.0.0.1/',
	headers: {},
	build: () => undefined,
	idempotencyKey: 'k',
} as DeliveryJob;
const state = (index: number): JobState => ({ index, job, attempts: [], startedMs: 0, readyAt: 0 });

function clock(start: number) {
	let time = start;
	return { now: () => time, set: (value: number) => (time = value) };
}

function drain(queue: DeliveryQueue): number[] {
	const taken: number[] = [];
	for (let next = queue.next(); next; next = queue.next()) taken.push(next.index);
	return taken;
}

describe('DeliveryQueue', () => {
	it('hands out fresh jobs in order, once each', () => {
		const queue = new DeliveryQueue(() => 0);
		[0, 1, 2].forEach((index) => queue.add(state(index)));
		expect(drain(queue)).toEqual([0, 1, 2]);
		expect(queue.next()).toBeUndefined();
		expect(queue.msUntilNextDue()).toBeUndefined();
	});

	it('holds a waiting job until its time, then puts it before fresh jobs', () => {
		const time = clock(1_000);
		const queue = new DeliveryQueue(time.now);
		const retried = state(0);
		queue.waitUntil(retried, 1_500);
		queue.add(state(1));
		queue.add(state(2));
		expect(queue.next()?.index).toBe(1);
		expect(queue.msUntilNextDue()).toBe(500);
		time.set(1_500);
		expect(retried.readyAt).toBe(1_500);
		expect(drain(queue)).toEqual([0, 2]);
		expect(queue.msUntilNextDue()).toBeUndefined();
	});

	it('says how long until the earliest waiting job, never less than zero', () => {
		const time = clock(0);
		const queue = new DeliveryQueue(time.now);
		queue.waitUntil(state(0), 300);
		queue.waitUntil(state(1), 100);
		expect(queue.next()).toBeUndefined();
		expect(queue.msUntilNextDue()).toBe(100);
		time.set(50);
		expect(queue.msUntilNextDue()).toBe(50);
	});

	it('hands out due retries earliest first, in the order they were held among equal times', () => {
		const time = clock(0);
		const queue = new DeliveryQueue(time.now);
		[
			[0, 300],
			[1, 100],
			[2, 300],
			[3, 200],
		].forEach(([index, readyAt]) => queue.waitUntil(state(index), readyAt));
		time.set(250);
		queue.add(state(4));
		expect(queue.next()?.index).toBe(1);
		time.set(300);
		expect(drain(queue)).toEqual([3, 0, 2, 4]);
	});

	it('holds 200,000 retries at once (more than a spread of arguments can take) and hands each out once', () => {
		const time = clock(0);
		const queue = new DeliveryQueue(time.now);
		const count = 200_000;
		for (let index = 0; index < count; index++) queue.waitUntil(state(index), 30_000 + (index % 1_000));
		expect(queue.msUntilNextDue()).toBe(30_000);
		time.set(30_000);
		expect(queue.next()?.index).toBe(0);
		time.set(31_000);
		const rest = drain(queue);
		expect(rest).toHaveLength(count - 1);
		expect(new Set(rest).size).toBe(count - 1);
		expect(queue.msUntilNextDue()).toBeUndefined();
	});

	describe('keeping a deferred Retry Later time durable', () => {
		const result = (nextAttemptAt: string) =>
			({
				status: 'retry_later',
				delivery: {
					status: 'retry_later',
					nextAttemptAt,
					attemptCount: 0,
					finalStatusCode: null,
					message: `Waiting to retry at ${nextAttemptAt}`,
				},
				error: { code: 'ERR_CIRCUIT_OPEN', message: 'Not sent: the circuit breaker is open.' },
			}) as DeliveryResult;

		it('moves a time the rest of the batch cut short to the threshold plus the hand-off margin', () => {
			const time = clock(Date.parse('2025-01-01T00:00:00.000Z'));
			const queue = new DeliveryQueue(time.now);
			const early = state(0);
			const late = state(1);
			queue.defer(early);
			queue.defer(late);
			const results = [result('2025-01-01T00:00:10.000Z'), result('2025-01-01T01:00:00.000Z')];
			queue.keepDeferredDurable(results, 65_000);
			const moved = new Date(time.now() + 65_000 + HANDOFF_MARGIN_MS).toISOString();
			expect(results[0].delivery.nextAttemptAt).toBe(moved);
			// The message names the time it moved to.
			expect(results[0].delivery.message).toBe(`Waiting to retry at ${moved} after 0 attempts: Not sent: the circuit breaker is open.`);
			expect(results[1].delivery.nextAttemptAt).toBe('2025-01-01T01:00:00.000Z');
			expect(results[1].delivery.message).toBe('Waiting to retry at 2025-01-01T01:00:00.000Z');
		});

		it('leaves times alone under a threshold that keeps waits in memory anyway', () => {
			const queue = new DeliveryQueue(() => Date.parse('2025-01-01T00:00:00.000Z'));
			queue.defer(state(0));
			const results = [result('2025-01-01T00:00:10.000Z')];
			queue.keepDeferredDurable(results, 30_000);
			expect(results[0].delivery.nextAttemptAt).toBe('2025-01-01T00:00:10.000Z');
		});
	});
});
