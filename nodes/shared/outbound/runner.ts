import type { SigningConfig } from '../signatures';
import { signRequest } from '../signatures';
import type { CaptureSpec } from './capture';
import { runCapture } from './capture';
import type { EncodedBody } from './encoders';
import { isOutboundConfigError } from './errors';
import { redactUrl } from './url';
import type { Explanation } from './explanations';
import { explainError, explainStatus } from './explanations';
import { mergeHeaders } from './headers';
import type { ParsedBody } from './responseBody';
import { decodeBody, parseResponseBody } from './responseBody';
import type { AttemptOutcome, RetryPolicy } from './retry';
import { DEFAULT_RETRY_LATER_THRESHOLD_MS, decide, parseRetryAfter } from './retry';
import type { HttpResponse, ProxyEnv, RequestOptions } from './transport';
import { proxyEnvironment, request, toTransportError } from './transport';

export type DeliveryStatus = 'delivered' | 'retry_later' | 'failed';

export interface AttemptRecord {
	number: number;
	startedAt: string;
	durationMs: number;
	statusCode?: number;
	errorCode?: string;
	/** The wait chosen after this attempt, when another one follows. */
	delayBeforeNextMs?: number;
}

/** What a Retry Later item carries back into the node. */
export interface ResumeState {
	attempts: AttemptRecord[];
	firstAttemptAt?: string;
	nextAttemptAt?: string;
	/** Consecutive passes that came back before nextAttemptAt. */
	earlyReturns?: number;
}

/**
 * How often an item may come back before its time and be sent to Retry Later again. n8n's Wait node
 * waits for the first item's time only, so other items can return early a few times; endless early
 * returns mean there is no Wait node in the loop.
 */
export const MAX_EARLY_RETURNS = 10;

export interface DeliveryJob {
	/** Input items this request carries: one, or all of them for JSON Array. */
	itemIndexes: number[];
	method: string;
	/** Query parameters (the credential's included) already applied. */
	url: URL;
	/** Safe to show: no userinfo, secret query values masked. */
	redactedUrl: string;
	/** Custom, authentication and idempotency headers; signature headers are added per attempt. */
	headers: Record<string, string>;
	/** Builds the body; may throw an OutboundConfigError for this item's data. */
	build: () => EncodedBody | undefined;
	signing?: { config: SigningConfig; secret: string };
	idempotencyKey: string;
	/** Header names that carry credentials (dropped on cross-origin redirects). */
	sensitiveHeaders?: string[];
	/** Query parameter names whose values are masked wherever a URL is shown (the credential's). */
	secretQueryNames?: string[];
	resume?: ResumeState;
}

export interface AttemptLog {
	itemIndexes: number[];
	attempt: number;
	maxAttempts: number;
	method: string;
	url: string;
	statusCode?: number;
	errorCode?: string;
	durationMs: number;
	outcome: 'delivered' | 'retry' | DeliveryStatus;
	delayMs?: number;
}

export interface RunnerOptions {
	concurrency: number;
	policy: RetryPolicy;
	timeoutMs: number;
	maxResponseBytes: number;
	followRedirects: boolean;
	ignoreTlsErrors: boolean;
	blockPrivateNetworks: boolean;
	includeResponseHeaders: boolean;
	captureOnSuccess?: CaptureSpec;
	captureOnFailure?: CaptureSpec;
	/** Waited once before the first request of fresh items (LeadSquared's execution delay). */
	initialDelayMs?: number;
	/** Stamped into `delivery.node`, so only this node resumes its own Retry Later items. */
	nodeId: string;
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	random?: () => number;
	log?: (event: AttemptLog) => void;
	signal?: AbortSignal;
	env?: ProxyEnv;
	send?: (options: RequestOptions) => Promise<HttpResponse>;
}

export interface DeliveryRecord {
	status: DeliveryStatus;
	method: string;
	url: string;
	idempotencyKey: string;
	attemptCount: number;
	maxAttempts: number;
	finalStatusCode: number | null;
	/** Time spent in this run, waits included. */
	durationMs: number;
	/** From the first attempt, in this or an earlier run (Retry Later loops), to now. */
	totalDurationMs: number;
	firstAttemptAt: string | null;
	lastAttemptAt: string | null;
	nextAttemptAt?: string;
	attempts: AttemptRecord[];
	node: string;
	/** Set while the item keeps coming back before nextAttemptAt. */
	earlyReturns?: number;
	capture?: { unmatched: string[]; error?: string };
}

export interface ResponseRecord {
	statusCode: number;
	statusMessage: string;
	headers?: Record<string, string | string[] | undefined>;
	body: unknown;
	bodyFormat: ParsedBody['format'];
	truncated?: boolean;
	parseError?: string;
}

export interface DeliveryResult {
	status: DeliveryStatus;
	delivery: DeliveryRecord;
	response?: ResponseRecord;
	captured?: Record<string, unknown>;
	error?: Explanation & { field?: string };
}

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

interface JobState {
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
}

/**
 * Outputs leave a node only when its whole batch is done, so a Retry Later wait planned early in a
 * long batch reaches the Wait node shortened. With a threshold at n8n's 65 s persistence limit or
 * above, nextAttemptAt is therefore never under the threshold plus this margin after the hand-off:
 * n8n runs the Delivered branch before the Wait node, and a wait under 65 s stays in memory, where a
 * restart loses it.
 */
export const HANDOFF_MARGIN_MS = 5_000;

const DEFAULT_HEADERS = { 'User-Agent': 'n8n-nodes-crm-webhooks', Accept: 'application/json, application/xml;q=0.9, */*;q=0.8' };

/**
 * Delivers every job with at most `concurrency` requests in flight and returns results in job order.
 * A job that must wait for a retry gives its slot to other jobs meanwhile. Never throws: anything
 * unexpected becomes a failed result.
 */
export async function runDeliveries(jobs: readonly DeliveryJob[], options: RunnerOptions): Promise<DeliveryResult[]> {
	const now = options.now ?? Date.now;
	const sleep = options.sleep ?? realSleep;
	const results: DeliveryResult[] = new Array(jobs.length);
	// A queue read by a cursor: Array#shift on thousands of jobs would copy the array every time.
	let ready: JobState[] = [];
	let readIndex = 0;
	const waiting: JobState[] = [];
	const deferred: JobState[] = [];
	const env = options.env ?? proxyEnvironment();
	// An item back before its time is slept for up to this long; much earlier means no Wait node is in the loop.
	const earlyReturnLimit = Math.max(options.policy.retryLaterThresholdMs, DEFAULT_RETRY_LATER_THRESHOLD_MS);

	if ((options.initialDelayMs ?? 0) > 0 && jobs.some((job) => !job.resume)) {
		await sleep(options.initialDelayMs as number, options.signal);
	}
	const start = now();
	const states = jobs.map(
		(job, index): JobState => ({ index, job, attempts: [...(job.resume?.attempts ?? [])], startedMs: start, readyAt: start }),
	);
	for (const state of states) {
		const { index, job } = state;
		const resumeAt = job.resume?.nextAttemptAt ? Date.parse(job.resume.nextAttemptAt) : NaN;
		if (resumeAt - start > earlyReturnLimit) {
			// Not due yet: back to Retry Later unchanged, unless it keeps coming back without waiting.
			state.earlyReturns = (job.resume?.earlyReturns ?? 0) + 1;
			results[index] =
				state.earlyReturns > MAX_EARLY_RETURNS
					? finish(state, 'failed', explainError('ERR_RESUMED_TOO_EARLY'))
					: finish(state, 'retry_later', undefined, resumeAt);
			continue;
		}
		try {
			state.body = job.build();
		} catch (error) {
			results[index] = finish(state, 'failed', invalidRequest(error));
			continue;
		}
		if (resumeAt > start) {
			state.readyAt = resumeAt;
			waiting.push(state);
		} else {
			ready.push(state);
		}
	}

	/** Jobs whose retry time has come go first, before fresh ones. */
	const takeDue = () => {
		if (waiting.length === 0) return;
		const time = now();
		const due = waiting.filter((state) => state.readyAt <= time);
		if (due.length === 0) return;
		waiting.splice(0, waiting.length, ...waiting.filter((state) => state.readyAt > time));
		ready = [...due, ...ready.slice(readIndex)];
		readIndex = 0;
	};

	const worker = async () => {
		for (;;) {
			if (options.signal?.aborted) return;
			takeDue();
			const state = readIndex < ready.length ? ready[readIndex++] : undefined;
			if (state) {
				await step(state);
				continue;
			}
			if (waiting.length === 0) return;
			const earliest = Math.min(...waiting.map((entry) => entry.readyAt));
			await sleep(Math.max(0, earliest - now()), options.signal);
		}
	};

	const step = async (state: JobState) => {
		try {
			const result = await attempt(state);
			if (result) results[state.index] = result;
		} catch (error) {
			results[state.index] = finish(state, 'failed', { code: 'ERR_INTERNAL', message: `Unexpected error: ${(error as Error).message}` });
		}
	};

	const attempt = async (state: JobState): Promise<DeliveryResult | undefined> => {
		const { job } = state;
		const number = state.attempts.length + 1;
		const startedMs = now();
		const body = state.body;
		const signature = job.signing
			? signRequest(job.signing.config, job.signing.secret, {
					body: body?.body ?? Buffer.alloc(0),
					timestampSeconds: Math.floor(startedMs / 1000),
					messageId: job.idempotencyKey,
				})
			: {};
		state.baseHeaders ??= mergeHeaders(DEFAULT_HEADERS, body ? { 'Content-Type': body.contentType } : {}, job.headers);
		const headers = job.signing ? mergeHeaders(state.baseHeaders, signature) : state.baseHeaders;
		let outcome: AttemptOutcome;
		const record: AttemptRecord = { number, startedAt: new Date(startedMs).toISOString(), durationMs: 0 };
		try {
			const response = await (options.send ?? request)({
				method: job.method,
				url: job.url,
				headers,
				body: body?.body,
				timeoutMs: options.timeoutMs,
				maxResponseBytes: options.maxResponseBytes,
				followRedirects: options.followRedirects,
				ignoreTlsErrors: options.ignoreTlsErrors,
				blockPrivateNetworks: options.blockPrivateNetworks,
				sensitiveHeaders: job.sensitiveHeaders,
				env,
				signal: options.signal,
			});
			state.lastResponse = response;
			record.statusCode = response.statusCode;
			outcome = {
				kind: 'response',
				statusCode: response.statusCode,
				retryAfterMs: parseRetryAfter(response.headers['retry-after'], now()),
			};
			state.lastExplanation = response.statusCode >= 300 ? explainStatus(response.statusCode) : undefined;
		} catch (error) {
			const failure = toTransportError(error);
			state.lastResponse = undefined;
			record.errorCode = failure.code;
			outcome = { kind: 'error', code: failure.code, timeout: failure.code === 'ETIMEDOUT', retryable: failure.retryable };
			state.lastExplanation = explainError(failure.code, failure.code === 'ERR_BLOCKED_ADDRESS' ? failure.message : undefined);
		}
		record.durationMs = now() - startedMs;
		state.attempts.push(record);

		const decision = decide(options.policy, number, outcome, options.random);
		const log = (result: AttemptLog['outcome'], delayMs?: number) =>
			options.log?.({
				itemIndexes: job.itemIndexes,
				attempt: number,
				maxAttempts: options.policy.maxAttempts,
				method: job.method,
				url: job.redactedUrl,
				statusCode: record.statusCode,
				errorCode: record.errorCode,
				durationMs: record.durationMs,
				outcome: result,
				delayMs,
			});
		if (decision.action === 'delivered') {
			log('delivered');
			return finish(state, 'delivered');
		}
		if (options.signal?.aborted) {
			log('failed');
			return finish(state, 'failed', explainError('ERR_ABORTED'));
		}
		if (decision.action === 'fail') {
			log('failed');
			const explanation = state.lastExplanation ?? explainError('ECONNRESET');
			const reason = failureReason(decision.exhausted, number, outcome, state.lastResponse, job.secretQueryNames);
			return finish(state, 'failed', { ...explanation, message: `${explanation.message}${reason}` });
		}
		record.delayBeforeNextMs = decision.delayMs;
		if (decision.later) {
			log('retry_later', decision.delayMs);
			deferred.push(state);
			return finish(state, 'retry_later', state.lastExplanation, now() + decision.delayMs);
		}
		log('retry', decision.delayMs);
		state.readyAt = now() + decision.delayMs;
		waiting.push(state);
		return undefined;
	};

	/** From the first attempt, of this run or an earlier one, to now; from `runStartedMs` before any attempt. */
	function sinceFirstAttempt(firstAttemptAt: string | null | undefined, runStartedMs: number): number {
		return Math.max(0, now() - (firstAttemptAt ? Date.parse(firstAttemptAt) : runStartedMs));
	}

	function finish(state: JobState, status: DeliveryStatus, error?: DeliveryResult['error'], nextAttemptMs?: number): DeliveryResult {
		const { job, attempts } = state;
		const last = attempts[attempts.length - 1];
		const firstAttemptAt = job.resume?.firstAttemptAt ?? attempts[0]?.startedAt ?? null;
		const durationMs = Math.max(0, now() - state.startedMs);
		const delivery: DeliveryRecord = {
			status,
			method: job.method,
			url: job.redactedUrl,
			idempotencyKey: job.idempotencyKey,
			attemptCount: attempts.length,
			maxAttempts: options.policy.maxAttempts,
			finalStatusCode: last?.statusCode ?? null,
			durationMs,
			totalDurationMs: Math.max(durationMs, sinceFirstAttempt(firstAttemptAt, state.startedMs)),
			firstAttemptAt,
			lastAttemptAt: last?.startedAt ?? null,
			...(nextAttemptMs !== undefined ? { nextAttemptAt: new Date(nextAttemptMs).toISOString() } : {}),
			attempts,
			node: options.nodeId,
			...(state.earlyReturns ? { earlyReturns: state.earlyReturns } : {}),
		};
		const result: DeliveryResult = { status, delivery };
		const response = state.lastResponse;
		if (response) {
			try {
				const described = describeResponse(response, status, options, job.secretQueryNames);
				result.response = described.response;
				if (described.captured) result.captured = described.captured;
				if (described.capture) delivery.capture = described.capture;
			} catch (problem) {
				// Reading the answer must never undo what the request did, nor lose the other items' results.
				result.response = { statusCode: response.statusCode, statusMessage: response.statusMessage, body: null, bodyFormat: 'empty' };
				delivery.capture = { unmatched: [], error: `the response could not be read (${(problem as Error).message})` };
			}
		}
		if (error) result.error = error;
		return result;
	}

	const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, jobs.length)) }, worker);
	await Promise.all(workers);
	// A wait planned mid-batch is cut short by the rest of the batch; keep a durable one durable.
	const threshold = options.policy.retryLaterThresholdMs;
	if (threshold >= DEFAULT_RETRY_LATER_THRESHOLD_MS && deferred.length > 0) {
		const earliest = now() + threshold + HANDOFF_MARGIN_MS;
		for (const state of deferred) {
			const delivery = results[state.index]?.delivery;
			if (delivery?.status === 'retry_later' && Date.parse(delivery.nextAttemptAt as string) < earliest) {
				delivery.nextAttemptAt = new Date(earliest).toISOString();
			}
		}
	}
	// A cancelled execution leaves jobs unfinished; they end like any other, with the attempts they made.
	for (const state of states) results[state.index] ??= finish(state, 'failed', explainError('ERR_ABORTED'));
	return results;
}

function invalidRequest(error: unknown): DeliveryResult['error'] {
	if (!isOutboundConfigError(error)) return { code: 'ERR_INVALID_REQUEST', message: `The request could not be built: ${(error as Error).message}` };
	return { code: 'ERR_INVALID_REQUEST', message: `${error.message}${error.hint ? `. ${error.hint}` : ''}`, field: error.field };
}

/** The sentence after the explanation that says why the node stopped trying. */
function failureReason(exhausted: boolean, attempts: number, outcome: AttemptOutcome, response?: HttpResponse, secretQueryNames?: string[]): string {
	if (exhausted) return ` Gave up after ${attempts} attempts.`;
	if (outcome.kind === 'response') {
		const location = response?.headers.location;
		if (outcome.statusCode < 400) return location && response ? ` Location: ${redactUrl(resolveUrl(location, response.url), secretQueryNames)}` : '';
		return ` Not retried: ${outcome.statusCode} is not in Retry On Statuses.`;
	}
	if (outcome.timeout) return ' Not retried: retries after timeouts are turned off.';
	return outcome.retryable ? ' Not retried: retries after network errors are turned off.' : ' Not retried: waiting would not fix this.';
}

function resolveUrl(location: string, base: URL): string {
	try {
		return new URL(location, base).toString();
	} catch {
		return location;
	}
}

/** Values worth hiding even from the workflow's own output. */
const SECRET_RESPONSE_HEADERS = new Set(['set-cookie', 'authorization', 'proxy-authenticate', 'www-authenticate']);
/** Headers that may echo the request URL back, query secrets included. */
const URL_RESPONSE_HEADERS = new Set(['location', 'content-location']);

function responseHeaders(response: HttpResponse, secretQueryNames?: string[]): ResponseRecord['headers'] {
	const shown = (name: string, value: string) => (URL_RESPONSE_HEADERS.has(name) ? redactUrl(resolveUrl(value, response.url), secretQueryNames) : value);
	return Object.fromEntries(
		Object.entries(response.headers).map(([name, value]) => {
			if (SECRET_RESPONSE_HEADERS.has(name)) return [name, '***'];
			if (value === undefined) return [name, value];
			return [name, Array.isArray(value) ? value.map((entry) => shown(name, entry)) : shown(name, value)];
		}),
	);
}

function describeResponse(response: HttpResponse, status: DeliveryStatus, options: RunnerOptions, secretQueryNames?: string[]) {
	const decoded = decodeBody(response.body, response.headers['content-type']);
	const parsed = parseResponseBody(response.body, response.headers['content-type'], response.truncated, decoded);
	const record: ResponseRecord = {
		statusCode: response.statusCode,
		statusMessage: response.statusMessage,
		body: parsed.body,
		bodyFormat: parsed.format,
	};
	if (options.includeResponseHeaders) record.headers = responseHeaders(response, secretQueryNames);
	if (response.truncated) record.truncated = true;
	if (parsed.parseError) record.parseError = parsed.parseError;
	const spec = status === 'delivered' ? options.captureOnSuccess : options.captureOnFailure;
	if (!spec || spec.fields.length === 0) return { response: record };
	const result = runCapture(spec, decoded.text, parsed.format === 'json' ? { value: parsed.body } : undefined);
	const capture =
		result.unmatched.length > 0 || result.error
			? { unmatched: result.unmatched, ...(result.error ? { error: result.error } : {}) }
			: undefined;
	return { response: record, captured: result.values, capture };
}
