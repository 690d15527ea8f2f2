/**
 * The result of one job: the delivery record (attempts, times, status) and, when an answer came,
 * the response as the workflow sees it, with captured fields.
 */
import { runCapture } from './capture';
import type { JobState } from './deliveryQueue';
import type { DeliveryJob, DeliveryRecord, DeliveryResult, DeliveryStatus, ResponseRecord, RunnerOptions } from './deliveryTypes';
import { isOutboundConfigError } from './errors';
import { decodeBody, parseResponseBody } from './responseBody';
import type { AttemptOutcome } from './retry';
import type { HttpResponse } from './transport';
import { redactUrl } from './url';

/** What a result needs from the run. */
export interface RecordContext {
	options: RunnerOptions;
	now: () => number;
}

/** What a result is made from: the job as it is shown, and what its attempts left behind. */
export interface FinishingState extends Pick<JobState, 'attempts' | 'startedMs' | 'lastResponse' | 'earlyReturns'> {
	job: Pick<DeliveryJob, 'method' | 'redactedUrl' | 'idempotencyKey' | 'resume' | 'secretQueryNames'>;
}

/** Ends a job: its record, and the response it got last, if any. */
export function finish(
	context: RecordContext,
	state: FinishingState,
	status: DeliveryStatus,
	error?: DeliveryResult['error'],
	nextAttemptMs?: number,
): DeliveryResult {
	const delivery = deliveryRecord(context, state, status, nextAttemptMs);
	const answered = state.lastResponse;
	if (answered?.redirects) {
		// Origin and path only: a redirect's query can carry signatures no redaction rule knows (X-Amz-Signature).
		const to = `${answered.url.origin}${answered.url.pathname}${answered.url.search ? '?…' : ''}`;
		delivery.redirected = { to, method: answered.method ?? state.job.method, redirects: answered.redirects };
	}
	delivery.message = deliveryMessage(delivery, error);
	const result: DeliveryResult = { status, delivery };
	if (state.lastResponse) attachResponse(result, state.lastResponse, context.options, state.job.secretQueryNames);
	if (error) result.error = error;
	return result;
}

const attemptsText = (count: number) => `${count} attempt${count === 1 ? '' : 's'}`;

/** A redirect that turned the request into a GET dropped its body: the receiver's 2xx is for a request without it. */
function redirectNote({ method, redirected }: Partial<Pick<DeliveryRecord, 'method' | 'redirected'>>): string {
	if (!redirected) return '';
	const changed = redirected.method !== method ? ` as ${redirected.method}, without the body` : '';
	return `, redirected to ${redirected.to}${changed}`;
}

/** The record's first line: "Delivered: 200 after 1 attempt", "Failed after 5 attempts: 400 Bad Request: …". */
export function deliveryMessage(
	delivery: Pick<DeliveryRecord, 'status' | 'finalStatusCode' | 'attemptCount' | 'nextAttemptAt'> &
		Partial<Pick<DeliveryRecord, 'method' | 'redirected'>>,
	error?: DeliveryResult['error'],
): string {
	const reason = error?.message ?? (delivery.finalStatusCode !== null ? `answered ${delivery.finalStatusCode}` : 'no answer');
	switch (delivery.status) {
		case 'delivered':
			return `Delivered: ${delivery.finalStatusCode ?? 'answered'} after ${attemptsText(delivery.attemptCount)}${redirectNote(delivery)}`;
		case 'retry_later':
			return `Waiting to retry at ${delivery.nextAttemptAt ?? 'the next run'} after ${attemptsText(delivery.attemptCount)}: ${reason}`;
		case 'failed':
			return delivery.attemptCount === 0
				? `Failed before sending: ${reason}`
				: `Failed after ${attemptsText(delivery.attemptCount)}: ${reason}`;
	}
}

/**
 * A Retry Later result when nothing is connected to Retry Later, so nothing would send it again:
 * Failed, saying when the next attempt was due and what to connect.
 */
export function failedWithoutRetryLoop(result: DeliveryResult): DeliveryResult {
	if (result.status !== 'retry_later') return result;
	const { nextAttemptAt, ...record } = result.delivery;
	const reason = `Not retried later: nothing is connected to the Retry Later output, which would have sent it again at ${nextAttemptAt ?? 'the next run'}. Loop that output through a Wait node back into this node.`;
	const error = result.error
		? { ...result.error, message: `${result.error.message} ${reason}` }
		: { code: 'ERR_RETRY_LATER_NOT_CONNECTED', message: reason };
	const delivery: DeliveryRecord = { ...record, status: 'failed' };
	delivery.message = deliveryMessage(delivery, error);
	return { ...result, status: 'failed', delivery, error };
}

function deliveryRecord(context: RecordContext, state: FinishingState, status: DeliveryStatus, nextAttemptMs?: number): DeliveryRecord {
	const { job, attempts } = state;
	const last = attempts[attempts.length - 1];
	const firstAttemptAt = job.resume?.firstAttemptAt ?? attempts[0]?.startedAt ?? null;
	const now = context.now();
	const durationMs = Math.max(0, now - state.startedMs);
	// From the first attempt, of this run or an earlier one, to now; from the run's start before any attempt.
	const sinceFirstAttempt = Math.max(0, now - (firstAttemptAt ? Date.parse(firstAttemptAt) : state.startedMs));
	// The summary first (status, code, message), so the output panel's table shows it before the details.
	return {
		status,
		finalStatusCode: last?.statusCode ?? null,
		message: '',
		method: job.method,
		url: job.redactedUrl,
		idempotencyKey: job.idempotencyKey,
		attemptCount: attempts.length,
		maxAttempts: context.options.policy.maxAttempts,
		durationMs,
		totalDurationMs: Math.max(durationMs, sinceFirstAttempt),
		firstAttemptAt,
		lastAttemptAt: last?.startedAt ?? null,
		...(nextAttemptMs !== undefined ? { nextAttemptAt: new Date(nextAttemptMs).toISOString() } : {}),
		attempts,
		node: context.options.nodeId,
		...(state.earlyReturns ? { earlyReturns: state.earlyReturns } : {}),
	};
}

function attachResponse(result: DeliveryResult, response: HttpResponse, options: RunnerOptions, secretQueryNames?: string[]): void {
	try {
		const described = describeResponse(response, result.status, options, secretQueryNames);
		result.response = described.response;
		if (described.captured) result.captured = described.captured;
		if (described.capture) result.delivery.capture = described.capture;
	} catch (problem) {
		// Reading the answer must never undo what the request did, nor lose the other items' results.
		result.response = { statusCode: response.statusCode, statusMessage: response.statusMessage, body: null, bodyFormat: 'empty' };
		result.delivery.capture = { unmatched: [], error: `the response could not be read (${(problem as Error).message})` };
	}
}

/** The error of a job whose request could not be built: the field and the fix, when the problem is a setting. */
export function invalidRequest(error: unknown): DeliveryResult['error'] {
	if (!isOutboundConfigError(error))
		return { code: 'ERR_INVALID_REQUEST', message: `The request could not be built: ${(error as Error).message}` };
	return { code: 'ERR_INVALID_REQUEST', message: `${error.message}${error.hint ? `. ${error.hint}` : ''}`, field: error.field };
}

/** The sentence after the explanation that says why the node stopped trying. */
export function failureReason(
	exhausted: boolean,
	attempts: number,
	outcome: AttemptOutcome,
	response?: HttpResponse,
	secretQueryNames?: string[],
): string {
	if (exhausted) return ` Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}.`;
	if (outcome.kind === 'response') {
		const location = response?.headers.location;
		if (outcome.statusCode < 400)
			return location && response ? ` Location: ${redactUrl(resolveUrl(location, response.url), secretQueryNames)}` : '';
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
	const shown = (name: string, value: string) =>
		URL_RESPONSE_HEADERS.has(name) ? redactUrl(resolveUrl(value, response.url), secretQueryNames) : value;
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
	const parsed = parseResponseBody(response.body, response.headers['content-type'], response.incomplete ?? response.truncated, decoded);
	const record: ResponseRecord = {
		statusCode: response.statusCode,
		statusMessage: response.statusMessage,
		body: parsed.body,
		bodyFormat: parsed.format,
	};
	if (options.includeResponseHeaders) record.headers = responseHeaders(response, secretQueryNames);
	if (response.truncated) record.truncated = true;
	if (response.incomplete) record.incomplete = response.incomplete;
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
