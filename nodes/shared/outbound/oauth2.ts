/**
 * OAuth2 client credentials (RFC 6749 §4.4) for the Outbound Webhook node: a token is fetched once
 * per credential, shared by every item and execution in the process until shortly before it
 * expires, and fetched again once when a receiver answers 401. Tokens never reach outputs or logs.
 */
import { createHash } from 'node:crypto';

import { BoundedCache } from '../boundedCache';
import type { HttpResponse, ProxyEnv, RequestOptions } from './transport';
import { request, toTransportError, TransportError } from './transport';
import { validateUrl } from './url';

/** The n8n credential type of OAuth2 client credentials. */
export const CLIENT_GRANT_TYPE = 'webhookClientOAuth2Api';

export interface OAuth2Client {
	tokenUrl: URL;
	clientId: string;
	clientSecret: string;
	/** Where the client id and secret go: the form body, or an HTTP Basic header. */
	sendCredentialsIn: 'body' | 'header';
	scope: string;
	audience: string;
}

/** Fetched a little early, so a token never expires between the check and the receiver. */
const EXPIRY_MARGIN_MS = 30_000;
/** For a token endpoint that does not say (expires_in is only RECOMMENDED). */
const DEFAULT_LIFETIME_MS = 300_000;
const TOKEN_TIMEOUT_MS = 15_000;
/** How long a token fetched to replace a refused one is not replaced again when it is refused too. */
const RENEWAL_PAUSE_MS = 60_000;

export class OAuth2TokenError extends Error {
	readonly code = 'ERR_OAUTH2_TOKEN';

	constructor(
		message: string,
		readonly retryable: boolean,
	) {
		super(`OAuth2 credential: ${message}`);
	}
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The credential's values, or the problems found, each naming the field. */
export function readOAuth2Credential(data: Record<string, unknown>): OAuth2Client | { problems: string[] } {
	const problems: string[] = [];
	let tokenUrl: URL | undefined;
	try {
		tokenUrl = validateUrl(text(data.tokenUrl), 'Token URL');
	} catch (error) {
		problems.push((error as Error).message);
	}
	const clientId = text(data.clientId);
	const clientSecret = text(data.clientSecret);
	if (clientId === '') problems.push('Client ID: empty');
	if (clientSecret === '') problems.push('Client Secret: empty');
	if (problems.length > 0 || !tokenUrl) return { problems };
	const sendCredentialsIn = data.sendCredentialsIn === 'header' ? 'header' : 'body';
	return { tokenUrl, clientId, clientSecret, sendCredentialsIn, scope: text(data.scope), audience: text(data.audience) };
}

interface CachedToken {
	token: string;
	expiresAtMs: number;
	/** When it was fetched because a receiver refused the token before it (see renewToken). */
	renewedAtMs?: number;
}

/** One entry per credential; a fetch in flight is shared by everyone asking meanwhile. */
const tokens = new BoundedCache<string, Promise<CachedToken>>(256);

const cacheKey = (client: OAuth2Client) =>
	createHash('sha256')
		.update(
			JSON.stringify([client.tokenUrl.href, client.clientId, client.clientSecret, client.sendCredentialsIn, client.scope, client.audience]),
		)
		.digest('hex');

export interface TokenTransport {
	send?: (options: RequestOptions) => Promise<HttpResponse>;
	env?: ProxyEnv;
	blockPrivateNetworks?: boolean;
	now?: () => number;
	/** The node's Timeout: this caller waits for a token at most this long, and at most 15 s. */
	timeoutMs?: number;
	/** The execution's: a cancelled one stops waiting for a token. */
	signal?: AbortSignal;
}

/**
 * A valid access token for the client, from the cache or the token endpoint. Everyone waiting for one
 * fetch shares its outcome, a failure too: the items then retry on their own schedules, instead of
 * each starting a fetch of its own behind the last.
 */
export async function accessToken(client: OAuth2Client, transport: TokenTransport = {}): Promise<string> {
	const now = transport.now ?? Date.now;
	const key = cacheKey(client);
	const cached = tokens.get(key);
	if (cached) {
		const entry = await waitFor(cached, transport);
		if (entry.expiresAtMs > now()) return entry.token;
		if (tokens.get(key) !== cached) return await accessToken(client, transport);
	}
	const fetching = fetchToken(client, transport, now);
	tokens.set(key, fetching);
	// A failed fetch is not kept: the next item asks the endpoint again.
	fetching.catch(() => tokens.get(key) === fetching && tokens.delete(key));
	return (await waitFor(fetching, transport)).token;
}

/**
 * Waits for a fetch that callers share, for at most this caller's Timeout, and stops waiting when its
 * execution is cancelled; the fetch itself goes on for the others, bounded by 15 s.
 */
function waitFor<T>(work: Promise<T>, { signal, timeoutMs = TOKEN_TIMEOUT_MS }: TokenTransport): Promise<T> {
	const limitMs = Math.min(TOKEN_TIMEOUT_MS, timeoutMs);
	if (!signal && limitMs >= TOKEN_TIMEOUT_MS) return work;
	const cancelled = () => new TransportError('ERR_ABORTED', 'The execution was cancelled', false);
	if (signal?.aborted) return Promise.reject(cancelled());
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(cancelled());
		const seconds = Math.round(limitMs / 100) / 10;
		const timer = setTimeout(
			() => reject(unreachable(new TransportError('ETIMEDOUT', `No complete answer within ${seconds} s`, true))),
			limitMs,
		);
		signal?.addEventListener('abort', onAbort, { once: true });
		work.then(resolve, reject).finally(() => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
		});
	});
}

/** Drops `token` after a receiver refused it (401), unless another item already replaced it. */
export async function forgetToken(client: OAuth2Client, token: string): Promise<void> {
	const key = cacheKey(client);
	const cached = tokens.get(key);
	const entry = await cached?.catch(() => undefined);
	if (entry?.token === token && tokens.get(key) === cached) tokens.delete(key);
}

/**
 * A fresh token in place of `refused`, which a receiver answered 401; undefined when `refused` was
 * itself fetched to replace a refused one within the last minute. A receiver that refuses fresh
 * tokens too (a permission the client lacks) would otherwise cost a token request for every item;
 * a renewed token revoked later is replaced again.
 */
export async function renewToken(client: OAuth2Client, refused: string, transport: TokenTransport = {}): Promise<string | undefined> {
	const now = transport.now ?? Date.now;
	const key = cacheKey(client);
	const current = await tokens.get(key)?.catch(() => undefined);
	if (current?.token === refused && current.renewedAtMs !== undefined && now() - current.renewedAtMs < RENEWAL_PAUSE_MS) return undefined;
	await forgetToken(client, refused);
	const token = await accessToken(client, transport);
	const renewed = await tokens.get(key)?.catch(() => undefined);
	if (renewed?.token === token) renewed.renewedAtMs = now();
	return token;
}

/** Forgets this client's token, so the next request fetches one (the credential test). */
export function forgetClientToken(client: OAuth2Client): void {
	tokens.delete(cacheKey(client));
}

/** Forgets every token (tests). */
export function clearTokens() {
	tokens.clear();
}

function tokenRequestBody(client: OAuth2Client): URLSearchParams {
	const form = new URLSearchParams({ grant_type: 'client_credentials' });
	if (client.scope) form.set('scope', client.scope);
	if (client.audience) form.set('audience', client.audience);
	if (client.sendCredentialsIn === 'body') {
		form.set('client_id', client.clientId);
		form.set('client_secret', client.clientSecret);
	}
	return form;
}

function unreachable(error: unknown): OAuth2TokenError {
	const failure = toTransportError(error);
	return new OAuth2TokenError(`the Token URL could not be reached (${failure.code}): ${failure.message}`, failure.retryable);
}

async function fetchToken(client: OAuth2Client, transport: TokenTransport, now: () => number): Promise<CachedToken> {
	const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
	if (client.sendCredentialsIn === 'header') {
		// RFC 6749 §2.3.1: both parts form-encoded before Base64.
		const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
		headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
	}
	const response = await (transport.send ?? request)({
		method: 'POST',
		url: client.tokenUrl,
		headers,
		body: Buffer.from(tokenRequestBody(client).toString()),
		timeoutMs: TOKEN_TIMEOUT_MS,
		maxResponseBytes: 64 * 1024,
		blockPrivateNetworks: transport.blockPrivateNetworks,
		env: transport.env,
	}).catch((error: unknown) => unreachable(error));
	if (response instanceof OAuth2TokenError) throw response;
	// A token cut off mid-body is no token: as retryable as no answer at all.
	if (response.incomplete) throw new OAuth2TokenError(`the Token URL's answer stopped early (${response.incomplete})`, true);
	return parseTokenResponse(response, now());
}

/** The token endpoint's answer: `access_token` (and `expires_in`) in JSON, per RFC 6749 §5.1. */
export function parseTokenResponse(response: Pick<HttpResponse, 'statusCode' | 'body'>, nowMs: number): CachedToken {
	const { statusCode } = response;
	let json: Record<string, unknown> | undefined;
	try {
		const parsed: unknown = JSON.parse(response.body.toString('utf8'));
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
	} catch {
		json = undefined;
	}
	if (statusCode < 200 || statusCode >= 300) {
		const reason = typeof json?.error === 'string' ? `: ${json.error.slice(0, 100)}` : '';
		// Busy or slow (408, 429, 5xx) passes with time; a refused client (400, 401, 403 …) does not.
		const busy = statusCode === 408 || statusCode === 429 || statusCode >= 500;
		const hint = busy ? '' : '; check the Client ID, Client Secret and Scope';
		throw new OAuth2TokenError(`the Token URL answered HTTP ${statusCode}${reason}${hint}`, busy);
	}
	const token = json?.access_token;
	if (typeof token !== 'string' || token === '' || /[\r\n\0]/.test(token)) {
		throw new OAuth2TokenError('the Token URL did not answer JSON with an access_token', false);
	}
	const seconds = Number(json?.expires_in);
	const lifetimeMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_LIFETIME_MS;
	return { token, expiresAtMs: nowMs + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
}
