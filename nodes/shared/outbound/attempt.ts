/**
 * One attempt of one job: sign, send, record what came back, and decide what happens next
 * (delivered, retried in this run, deferred to Retry Later, or failed).
 */
import { signWithSecrets } from '../signatures/rotation';
import type { DeliveryQueue, JobState } from './deliveryQueue';
import type { EndpointGuard } from './endpointGuard';
import type { RecordContext } from './deliveryRecord';
import { failureReason, finish } from './deliveryRecord';
import type { AttemptLog, AttemptRecord, DeliveryResult } from './deliveryTypes';
import { explainError, explainStatus, explainWithClientCertificate } from './explanations';
import { mergeHeaders } from './headers';
import type { AttemptOutcome, Decision } from './retry';
import { decide, parseRetryAfter } from './retry';
import { accessToken, OAuth2TokenError, renewToken } from './oauth2';
import type { HttpResponse, ProxyEnv, RequestOptions } from './transport';
import { request, toTransportError } from './transport';

export interface AttemptContext extends RecordContext {
	env: ProxyEnv;
	queue: DeliveryQueue;
	guard: EndpointGuard;
}

const DEFAULT_HEADERS = { 'User-Agent': 'n8n-nodes-crm-webhooks', Accept: 'application/json, application/xml;q=0.9, */*;q=0.8' };

/** Makes one attempt; returns the job's result when it is finished, undefined when it waits for a retry in this run. */
export async function attemptDelivery(context: AttemptContext, state: JobState): Promise<DeliveryResult | undefined> {
	const { record, outcome } = await send(context, state);
	state.attempts.push(record);
	const recording = context.guard.record(state.job.url.origin, outcome, state.probe === true, context.options.policy.maxDelayMs);
	if (recording) await recording;
	state.probe = false;
	const decision = decide(context.options.policy, record.number, outcome, context.options.random);
	return settle(context, state, record, outcome, decision);
}

/** Headers of this attempt: the merged base, plus a signature over this attempt's timestamp. */
function attemptHeaders(state: JobState, startedMs: number): Record<string, string> {
	const { job, body } = state;
	state.baseHeaders ??= mergeHeaders(DEFAULT_HEADERS, body ? { 'Content-Type': body.contentType } : {}, job.headers);
	if (!job.signing) return state.baseHeaders;
	const { config, secret, previousSecrets = [] } = job.signing;
	const signature = signWithSecrets(config, [secret, ...previousSecrets], {
		body: body?.body ?? Buffer.alloc(0),
		timestampSeconds: Math.floor(startedMs / 1000),
		messageId: job.idempotencyKey,
	});
	return mergeHeaders(state.baseHeaders, signature);
}

async function send(context: AttemptContext, state: JobState): Promise<{ record: AttemptRecord; outcome: AttemptOutcome }> {
	const { options, now } = context;
	const { job } = state;
	const startedMs = now();
	const headers = attemptHeaders(state, startedMs);
	const record: AttemptRecord = { number: state.attempts.length + 1, startedAt: new Date(startedMs).toISOString(), durationMs: 0 };
	let outcome: AttemptOutcome;
	try {
		const response = await sendWithAuth(context, {
			method: job.method,
			url: job.url,
			headers,
			body: state.body?.body,
			timeoutMs: options.timeoutMs,
			maxResponseBytes: options.maxResponseBytes,
			followRedirects: options.followRedirects,
			ignoreTlsErrors: options.ignoreTlsErrors,
			clientTls: options.clientTls,
			blockPrivateNetworks: options.blockPrivateNetworks,
			env: context.env,
			signal: options.signal,
		});
		state.lastResponse = response;
		record.statusCode = response.statusCode;
		outcome = { kind: 'response', statusCode: response.statusCode, retryAfterMs: parseRetryAfter(response.headers['retry-after'], now()) };
		state.lastExplanation = response.statusCode >= 300 ? explainStatus(response.statusCode) : undefined;
	} catch (error) {
		const failure = error instanceof OAuth2TokenError ? error : toTransportError(error);
		state.lastResponse = undefined;
		record.errorCode = failure.code;
		outcome = { kind: 'error', code: failure.code, timeout: failure.code === 'ETIMEDOUT', retryable: failure.retryable };
		state.lastExplanation = explainFailure(context, failure);
	}
	record.durationMs = now() - startedMs;
	return { record, outcome };
}

function explainFailure({ options }: AttemptContext, failure: { code: string; message: string }) {
	if (failure instanceof OAuth2TokenError) return { code: failure.code, message: failure.message };
	const explanation = explainError(failure.code, failure.code === 'ERR_BLOCKED_ADDRESS' ? failure.message : undefined);
	return options.clientTls ? explainWithClientCertificate(explanation) : explanation;
}

/**
 * Sends the request, with an OAuth2 access token when the node has a client-credentials credential.
 * A 401 gets one more try with a freshly fetched token (the cached one may have been revoked early),
 * unless that token was itself a fresh one.
 */
async function sendWithAuth(context: AttemptContext, requestOptions: RequestOptions): Promise<HttpResponse> {
	const { options, env } = context;
	const send = options.send ?? request;
	const client = options.oauth2;
	if (!client) return await send(requestOptions);
	const tokenTransport = { env, blockPrivateNetworks: options.blockPrivateNetworks, timeoutMs: options.timeoutMs, signal: options.signal };
	const withToken = async (token: string) => {
		options.sentTokens?.add(token);
		return await send({ ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` } });
	};
	const token = await accessToken(client, tokenTransport);
	const response = await withToken(token);
	if (response.statusCode !== 401) return response;
	const renewed = await renewToken(client, token, tokenTransport);
	return renewed === undefined ? response : await withToken(renewed);
}

function settle(
	context: AttemptContext,
	state: JobState,
	record: AttemptRecord,
	outcome: AttemptOutcome,
	decision: Decision,
): DeliveryResult | undefined {
	const { options, now, queue } = context;
	if (decision.action === 'delivered') {
		logAttempt(context, state, record, 'delivered');
		return finish(context, state, 'delivered');
	}
	if (options.signal?.aborted) {
		logAttempt(context, state, record, 'failed');
		return finish(context, state, 'failed', explainError('ERR_ABORTED'));
	}
	if (decision.action === 'fail') {
		logAttempt(context, state, record, 'failed');
		const explanation = state.lastExplanation ?? explainError('ECONNRESET');
		const reason = failureReason(decision.exhausted, record.number, outcome, state.lastResponse, state.job.secretQueryNames);
		const result = finish(context, state, 'failed', { ...explanation, message: `${explanation.message}${reason}` });
		if (decision.exhausted) result.gaveUp = true;
		return result;
	}
	record.delayBeforeNextMs = decision.delayMs;
	if (decision.later) {
		logAttempt(context, state, record, 'retry_later', decision.delayMs);
		queue.defer(state);
		return finish(context, state, 'retry_later', state.lastExplanation, now() + decision.delayMs);
	}
	logAttempt(context, state, record, 'retry', decision.delayMs);
	queue.waitUntil(state, now() + decision.delayMs);
	return undefined;
}

function logAttempt(
	context: AttemptContext,
	state: JobState,
	record: AttemptRecord,
	outcome: AttemptLog['outcome'],
	delayMs?: number,
): void {
	context.options.log?.({
		itemIndexes: state.job.itemIndexes,
		attempt: record.number,
		maxAttempts: context.options.policy.maxAttempts,
		method: state.job.method,
		url: state.job.redactedUrl,
		statusCode: record.statusCode,
		errorCode: record.errorCode,
		durationMs: record.durationMs,
		outcome,
		delayMs,
	});
}
