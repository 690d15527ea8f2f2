import type { ClientTls } from './clientCertificate';
import type { OAuth2Client } from './oauth2';
/**
 * The shapes the delivery runner takes in and gives back: jobs, options, and one result per job.
 */
import type { SigningConfig } from '../signatures';
import type { CaptureSpec } from './capture';
import type { CircuitState } from './circuitBreaker';
import type { EncodedBody } from './encoders';
import type { EndpointProtection } from './endpointGuard';
import type { OutboundConfigError } from './errors';
import type { Explanation } from './explanations';
import type { ParsedBody } from './responseBody';
import type { RetryPolicy } from './retry';
import type { HttpResponse, ProxyEnv, RequestOptions } from './transport';

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
	/** previousSecrets: still in their rotation overlap, so each request carries their signatures too. */
	signing?: { config: SigningConfig; secret: string; previousSecrets?: string[] };
	idempotencyKey: string;
	/** Query parameter names whose values are masked wherever a URL is shown (the credential's). */
	secretQueryNames?: string[];
	resume?: ResumeState;
}

/**
 * An item whose request could not be prepared (a bad URL, header or expression): it is never sent,
 * and ends in Failed with the reason.
 */
export interface InvalidJob {
	kind: 'invalid';
	itemIndexes: number[];
	method: string;
	/** The item's URL as far as it could be read, redacted like a sent one. */
	redactedUrl: string;
	error: OutboundConfigError;
}

export type PreparedJob = DeliveryJob | InvalidJob;

export const isInvalidJob = (job: PreparedJob): job is InvalidJob => (job as InvalidJob).kind === 'invalid';

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
	/** The client certificate (mTLS) presented to the receiver, if the node has one. */
	clientTls?: ClientTls;
	/** OAuth2 client credentials: every request carries an access token fetched (and cached) for them. */
	oauth2?: OAuth2Client;
	/** Collects the OAuth2 access tokens sent, so an error quoting a receiver's answer can mask them. */
	sentTokens?: Set<string>;
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
	/** Per-endpoint rate limit and circuit breaker; off when absent. */
	endpoints?: EndpointProtection;
}

export interface DeliveryRecord {
	status: DeliveryStatus;
	/** One line a person reads first: what happened, the status code, and what comes next. */
	message: string;
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
	/** The id of the Outbound Webhook node that sent the item: only that node resumes it from Retry Later. */
	node: string;
	/** Set while the item keeps coming back before nextAttemptAt. */
	earlyReturns?: number;
	capture?: { unmatched: string[]; error?: string };
	/** The endpoint's circuit breaker at the end of the run, when the node uses one. */
	circuit?: CircuitState & { endpoint: string };
	/** Where Follow Redirects took the last attempt, when it did: the URL (redacted) and the method it asked with. */
	redirected?: { to: string; method: string; redirects: number };
	/** Time this item waited for the endpoint's rate limit, when it waited. */
	rateLimitWaitMs?: number;
}

export interface ResponseRecord {
	statusCode: number;
	statusMessage: string;
	headers?: Record<string, string | string[] | undefined>;
	/** Absent on a JSON Array request's later items: see bodyInItem. */
	body?: unknown;
	/** A JSON Array request's answer body is on its first item only: that item's input index. */
	bodyInItem?: number;
	bodyFormat: ParsedBody['format'];
	truncated?: boolean;
	/** Why the body ended before its end (the timeout, a closed connection); the status still counts. */
	incomplete?: string;
	parseError?: string;
}

export interface DeliveryResult {
	status: DeliveryStatus;
	delivery: DeliveryRecord;
	response?: ResponseRecord;
	captured?: Record<string, unknown>;
	error?: Explanation & { field?: string };
	/** Failed after every attempt the policy allows, on an answer or error it retries: more attempts might have delivered it. */
	gaveUp?: true;
}
