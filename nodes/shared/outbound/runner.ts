import type { AttemptContext } from './attempt';
import { attemptDelivery } from './attempt';
import type { JobState } from './deliveryQueue';
import { DeliveryQueue } from './deliveryQueue';
import type { RecordContext } from './deliveryRecord';
import { finish, invalidRequest } from './deliveryRecord';
import type { DeliveryResult, InvalidJob, PreparedJob, RunnerOptions } from './deliveryTypes';
import { isInvalidJob } from './deliveryTypes';
import type { CircuitState } from './circuitBreaker';
import { refusalMessage } from './circuitBreaker';
import type { Admission } from './endpointGuard';
import { EndpointGuard } from './endpointGuard';
import { explainError } from './explanations';
import { DEFAULT_RETRY_LATER_THRESHOLD_MS } from './retry';
import { proxyEnvironment } from './transport';

export type {
	AttemptLog,
	AttemptRecord,
	DeliveryJob,
	DeliveryRecord,
	DeliveryResult,
	DeliveryStatus,
	InvalidJob,
	PreparedJob,
	ResponseRecord,
	ResumeState,
	RunnerOptions,
} from './deliveryTypes';
export { isInvalidJob } from './deliveryTypes';
export { HANDOFF_MARGIN_MS } from './deliveryQueue';

/**
 * How often an item may come back before its time and be sent to Retry Later again. n8n's Wait node
 * waits for the first item's time only, so other items can return early a few times; endless early
 * returns mean there is no Wait node in the loop.
 */
export const MAX_EARLY_RETURNS = 10;

export const realSleep = (ms: number, signal?: AbortSignal) =>
	new Promise<void>((resolve) => {
		if (ms <= 0 || signal?.aborted) return resolve();
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		}
		signal?.addEventListener('abort', done, { once: true });
	});

type Sleep = NonNullable<RunnerOptions['sleep']>;

/**
 * Delivers every job with at most `concurrency` requests in flight and returns results in job order.
 * A job that must wait for a retry gives its slot to other jobs meanwhile. Never throws: anything
 * unexpected becomes a failed result.
 */
export async function runDeliveries(jobs: readonly PreparedJob[], options: RunnerOptions): Promise<DeliveryResult[]> {
	const now = options.now ?? Date.now;
	const sleep = options.sleep ?? realSleep;
	const context: AttemptContext = {
		options,
		now,
		env: options.env ?? proxyEnvironment(),
		queue: new DeliveryQueue(now),
		// One path for every run: without a rate limit or breaker the guard lets everything through at once.
		// A probe holds its claim for the request's whole timeout, plus a margin for the answer's handling.
		guard: new EndpointGuard(options.endpoints ?? {}, now, sleep, options.timeoutMs + 5_000),
	};
	if ((options.initialDelayMs ?? 0) > 0 && jobs.some((job) => isInvalidJob(job) || !job.resume)) {
		await sleep(options.initialDelayMs as number, options.signal);
	}
	const results: DeliveryResult[] = new Array(jobs.length);
	const states = admit(context, jobs, results);
	const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, jobs.length)) }, () => work(context, sleep, results));
	await Promise.all(workers);
	context.queue.keepDeferredDurable(results, options.policy.retryLaterThresholdMs);
	// A cancelled execution leaves jobs unfinished; they end like any other, with the attempts they made.
	for (const state of states) results[state.index] ??= finish(context, state, 'failed', explainError('ERR_ABORTED'));
	if (context.guard.protects) await showEndpointState(context.guard, states, results);
	return results;
}

/** Saves the circuits, and shows each item its endpoint's circuit (read once per endpoint) and the time it waited for the rate limit. */
async function showEndpointState(guard: EndpointGuard, states: JobState[], results: DeliveryResult[]): Promise<void> {
	await guard.flush();
	const circuits = new Map<string, CircuitState | undefined>();
	for (const state of states) {
		const delivery = results[state.index]?.delivery;
		if (!delivery) continue;
		if (state.rateLimitWaitMs) delivery.rateLimitWaitMs = Math.round(state.rateLimitWaitMs);
		if (!guard.hasBreaker) continue;
		const origin = state.job.url.origin;
		if (!circuits.has(origin)) circuits.set(origin, await guard.snapshot(origin));
		const circuit = circuits.get(origin);
		if (circuit) delivery.circuit = { endpoint: origin, ...circuit };
	}
}

/** An item the open circuit does not let through: Retry Later until the probe time, or Failed, as the node says. */
function refuse(context: AttemptContext, state: JobState, circuit: CircuitState): DeliveryResult {
	const whenOpen = context.guard.whenOpen ?? 'retryLater';
	const error = { code: 'ERR_CIRCUIT_OPEN', message: refusalMessage(state.job.url.origin, circuit, whenOpen) };
	if (whenOpen === 'failed') return finish(context, state, 'failed', error);
	context.queue.defer(state);
	return finish(context, state, 'retry_later', error, Math.max(Date.parse(circuit.probeAt ?? ''), context.now()) || context.now());
}

/** The endpoint paused longer than the run waits: the item goes to Retry Later unsent, due when the pause ends. */
function pausedLong(context: AttemptContext, state: JobState, pausedUntil: number): DeliveryResult {
	const until = new Date(pausedUntil).toISOString();
	const message = `${state.job.url.origin} asked to pause until ${until} (429/503 with Retry-After), longer than Retry Later Above: not sent in this run`;
	context.queue.defer(state);
	return finish(context, state, 'retry_later', { code: 'ERR_ENDPOINT_PAUSED', message }, pausedUntil);
}

/**
 * Finishes at once the jobs that cannot be sent (invalid, body not buildable, back before their
 * time) and queues the others; returns the state of every job that can still be sent.
 */
function admit(context: AttemptContext, jobs: readonly PreparedJob[], results: DeliveryResult[]): JobState[] {
	const start = context.now();
	// An item back before its time is slept for up to this long; much earlier means no Wait node is in the loop.
	const earlyReturnLimit = Math.max(context.options.policy.retryLaterThresholdMs, DEFAULT_RETRY_LATER_THRESHOLD_MS);
	const states: JobState[] = [];
	for (const [index, job] of jobs.entries()) {
		if (isInvalidJob(job)) {
			results[index] = finishInvalid(context, job, start);
			continue;
		}
		const state: JobState = { index, job, attempts: [...(job.resume?.attempts ?? [])], startedMs: start, readyAt: start };
		states.push(state);
		const resumeAt = job.resume?.nextAttemptAt ? Date.parse(job.resume.nextAttemptAt) : NaN;
		if (resumeAt - start > earlyReturnLimit) {
			results[index] = returnedEarly(context, state, resumeAt);
			continue;
		}
		try {
			state.body = job.build();
		} catch (error) {
			results[index] = finish(context, state, 'failed', invalidRequest(error));
			continue;
		}
		if (resumeAt > start) context.queue.waitUntil(state, resumeAt);
		else context.queue.add(state);
	}
	return states;
}

/** An invalid job ends in Failed without an attempt; it has no idempotency key to show. */
function finishInvalid(context: RecordContext, job: InvalidJob, startedMs: number): DeliveryResult {
	const shown = { method: job.method, redactedUrl: job.redactedUrl, idempotencyKey: '' };
	return finish(context, { job: shown, attempts: [], startedMs }, 'failed', invalidRequest(job.error));
}

/** Not due yet: back to Retry Later unchanged, unless it keeps coming back without waiting. */
function returnedEarly(context: RecordContext, state: JobState, resumeAt: number): DeliveryResult {
	state.earlyReturns = (state.job.resume?.earlyReturns ?? 0) + 1;
	return state.earlyReturns > MAX_EARLY_RETURNS
		? finish(context, state, 'failed', explainError('ERR_RESUMED_TOO_EARLY'))
		: finish(context, state, 'retry_later', undefined, resumeAt);
}

/** One worker: takes jobs until none is ready or waiting, and sleeps while every remaining job waits. */
async function work(context: AttemptContext, sleep: Sleep, results: DeliveryResult[]): Promise<void> {
	const { options, queue } = context;
	for (;;) {
		if (options.signal?.aborted) return;
		const state = queue.next();
		if (state) {
			const result = await step(context, state);
			if (result) results[state.index] = result;
			continue;
		}
		const waitMs = queue.msUntilNextDue();
		if (waitMs === undefined) return;
		await sleep(waitMs, options.signal);
	}
}

async function step(context: AttemptContext, state: JobState): Promise<DeliveryResult | undefined> {
	const { guard } = context;
	const origin = state.job.url.origin;
	let admission: Admission | Error;
	try {
		admission = await guard.admit(origin, context.options.signal, context.options.policy.retryLaterThresholdMs);
	} catch (error) {
		admission = error as Error;
	}
	try {
		if (admission instanceof Error) throw admission;
		if (!admission.go)
			return 'pausedUntil' in admission ? pausedLong(context, state, admission.pausedUntil) : refuse(context, state, admission.circuit);
		if (admission.waitedMs) state.rateLimitWaitMs = (state.rateLimitWaitMs ?? 0) + admission.waitedMs;
		state.probe = admission.probe;
		return await attemptDelivery(context, state);
	} catch (error) {
		return finish(context, state, 'failed', { code: 'ERR_INTERNAL', message: `Unexpected error: ${(error as Error).message}` });
	} finally {
		// Only a probe holds anything to give back.
		if (!(admission instanceof Error) && admission.go && admission.probe) await guard.release(origin, admission);
	}
}
