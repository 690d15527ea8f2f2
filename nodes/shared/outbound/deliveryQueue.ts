import type { AttemptRecord, DeliveryJob, DeliveryResult } from './deliveryTypes';
import type { EncodedBody } from './encoders';
import type { Explanation } from './explanations';
import { deliveryMessage } from './deliveryRecord';
import { DEFAULT_RETRY_LATER_THRESHOLD_MS } from './retry';
import { TimedHeap } from './timedHeap';
import type { HttpResponse } from './transport';

/** One job while the runner works on it. */
export interface JobState {
	/** Position of the job, and of its result. */
	index: number;
	job: DeliveryJob;
	body?: EncodedBody;
	attempts: AttemptRecord[];
	startedMs: number;
	readyAt: number;
	lastResponse?: HttpResponse;
	lastExplanation?: Explanation;
	earlyReturns?: number;
	/** Headers of every attempt but the signature, merged once. */
	baseHeaders?: Record<string, string>;
	/** Set while this attempt is the probe of an open circuit. */
	probe?: boolean;
	/** Time spent waiting for the endpoint's rate limit, in this run. */
	rateLimitWaitMs?: number;
}

/**
 * Outputs leave a node only when its whole batch is done, so a Retry Later wait planned early in a
 * long batch reaches the Wait node shortened. With a threshold at n8n's 65 s persistence limit or
 * above, nextAttemptAt is therefore never under the threshold plus this margin after the hand-off:
 * n8n runs the Delivered branch before the Wait node, and a wait under 65 s stays in memory, where a
 * restart loses it.
 */
export const HANDOFF_MARGIN_MS = 5_000;

/**
 * The jobs of one run: those ready to go in order, those waiting for a retry within the run, and
 * those deferred to Retry Later. Jobs whose retry time has come go before fresh ones.
 */
export class DeliveryQueue {
	// Read by cursors: Array#shift on thousands of jobs would copy the array every time.
	private readonly ready: JobState[] = [];

	private readIndex = 0;

	/** Jobs whose retry time has come, in the order they came due; they go before fresh ones. */
	private readonly due: JobState[] = [];

	private dueIndex = 0;

	private readonly waiting = new TimedHeap<JobState>();

	private readonly deferred: JobState[] = [];

	private readonly now: () => number;

	constructor(now: () => number) {
		this.now = now;
	}

	add(state: JobState): void {
		this.ready.push(state);
	}

	/** Holds a job back until `readyAt`, in this run. */
	waitUntil(state: JobState, readyAt: number): void {
		state.readyAt = readyAt;
		this.waiting.push(readyAt, state);
	}

	/** Notes a job that leaves for Retry Later, so its planned time can be kept durable at the end. */
	defer(state: JobState): void {
		this.deferred.push(state);
	}

	/** The next job to attempt, or undefined when none is ready now. */
	next(): JobState | undefined {
		this.takeDue();
		if (this.dueIndex < this.due.length) return this.due[this.dueIndex++];
		return this.readIndex < this.ready.length ? this.ready[this.readIndex++] : undefined;
	}

	/** How long until the earliest waiting job is due; undefined when no job waits. */
	msUntilNextDue(): number | undefined {
		const earliest = this.waiting.peekTime();
		return earliest === undefined ? undefined : Math.max(0, earliest - this.now());
	}

	/** A wait planned mid-batch is cut short by the rest of the batch; keep a durable one durable. */
	keepDeferredDurable(results: DeliveryResult[], retryLaterThresholdMs: number): void {
		if (retryLaterThresholdMs < DEFAULT_RETRY_LATER_THRESHOLD_MS || this.deferred.length === 0) return;
		const earliest = this.now() + retryLaterThresholdMs + HANDOFF_MARGIN_MS;
		for (const state of this.deferred) {
			const delivery = results[state.index]?.delivery;
			if (delivery?.status === 'retry_later' && Date.parse(delivery.nextAttemptAt as string) < earliest) {
				delivery.nextAttemptAt = new Date(earliest).toISOString();
				// The message names the time too.
				delivery.message = deliveryMessage(delivery, results[state.index].error);
			}
		}
	}

	private takeDue(): void {
		if (this.waiting.size === 0) return;
		if (this.dueIndex === this.due.length) {
			this.due.length = 0;
			this.dueIndex = 0;
		}
		const time = this.now();
		for (let state = this.waiting.popDue(time); state !== undefined; state = this.waiting.popDue(time)) this.due.push(state);
	}
}
