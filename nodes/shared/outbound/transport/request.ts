import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';

import { blockedAddressReason, isIpLiteral } from './addresses';
import { agentFor, blockedError, proxyAuthorization } from './agents';
import { TransportError, toTransportError } from './errors';
import type { ProxyEnv } from './proxy';
import { proxyFor } from './proxy';

export interface RequestOptions {
	method: string;
	url: URL;
	headers?: Record<string, string>;
	body?: Buffer;
	/** For the whole exchange, redirects included: connect, send, and read the answer. Default 30 s. */
	timeoutMs?: number;
	/** Bytes of the response body kept; the rest is discarded unread. Default 1 MiB. */
	maxResponseBytes?: number;
	followRedirects?: boolean;
	/** Default 5. */
	maxRedirects?: number;
	ignoreTlsErrors?: boolean;
	/** Refuse loopback, private, link-local (cloud metadata) and other non-public targets, on every hop. */
	blockPrivateNetworks?: boolean;
	/** Header names (credentials) dropped when a redirect leaves the original origin. */
	sensitiveHeaders?: readonly string[];
	/** Where HTTP_PROXY / HTTPS_PROXY / NO_PROXY are read from; default process.env. */
	env?: ProxyEnv;
	signal?: AbortSignal;
}

export interface HttpResponse {
	statusCode: number;
	statusMessage: string;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	/** True when the body was longer than maxResponseBytes and was cut. */
	truncated: boolean;
	/** The URL that answered (after redirects). */
	url: URL;
	redirects: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ALWAYS_SENSITIVE = ['authorization', 'cookie', 'proxy-authorization'];
/** A pooled socket the server closed while idle fails at once; such a request usually never reached it. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
/**
 * Only idempotent methods are re-sent on a fresh socket without counting an attempt: a POST whose
 * connection was reset may have been processed, so it goes through the visible retry policy.
 */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * One HTTP exchange over keep-alive agents: bounded in time and in memory, with proxy support,
 * optional redirects and optional private-network blocking. Throws a TransportError on failure;
 * any HTTP status (even 500) is a response, not an error.
 */
export async function request(options: RequestOptions): Promise<HttpResponse> {
	const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
	const maxRedirects = options.followRedirects ? (options.maxRedirects ?? DEFAULT_MAX_REDIRECTS) : 0;
	let url = options.url;
	let method = options.method.toUpperCase();
	let headers = { ...(options.headers ?? {}) };
	let body = options.body;
	for (let redirects = 0; ; redirects++) {
		const response = await sendOnce(options, url, method, headers, body, deadline);
		const location = response.headers.location;
		if (!options.followRedirects || !REDIRECT_STATUSES.has(response.statusCode) || !location) {
			return { ...response, url, redirects };
		}
		if (redirects >= maxRedirects) {
			throw new TransportError('ERR_TOO_MANY_REDIRECTS', `More than ${maxRedirects} redirects`, false);
		}
		const next = new URL(location, url);
		if (next.protocol !== 'http:' && next.protocol !== 'https:') {
			throw new TransportError('ERR_BAD_REDIRECT', `Redirect to the unsupported scheme ${next.protocol}`, false);
		}
		// As browsers and follow-redirects do: 303, and 301/302 after POST, continue as GET without a body.
		if (response.statusCode === 303 ? method !== 'HEAD' : (response.statusCode === 301 || response.statusCode === 302) && method === 'POST') {
			method = 'GET';
			body = undefined;
			headers = withoutHeaders(headers, ['content-type', 'content-length']);
		}
		if (next.origin !== url.origin) {
			headers = withoutHeaders(headers, [...ALWAYS_SENSITIVE, ...(options.sensitiveHeaders ?? [])]);
		}
		url = next;
	}
}

function withoutHeaders(headers: Record<string, string>, names: readonly string[]) {
	const drop = new Set(names.map((name) => name.toLowerCase()));
	return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())));
}

async function sendOnce(
	options: RequestOptions,
	url: URL,
	method: string,
	headers: Record<string, string>,
	body: Buffer | undefined,
	deadline: number,
): Promise<Omit<HttpResponse, 'url' | 'redirects'>> {
	const proxy = proxyFor(url, options.env);
	if (options.blockPrivateNetworks) await assertPublicTarget(url, proxy !== undefined);
	for (let staleRetries = 0; ; staleRetries++) {
		try {
			return await exchange(options, url, proxy, method, headers, body, deadline);
		} catch (error) {
			const failure = toTransportError(error);
			const stale = (error as { reusedSocket?: boolean }).reusedSocket === true;
			if (!(stale && IDEMPOTENT_METHODS.has(method) && STALE_SOCKET_CODES.has(failure.code) && staleRetries < 2)) {
				return Promise.reject(failure);
			}
		}
	}
}

/** Through a proxy the proxy resolves the name, so the target is resolved and checked here first. */
async function assertPublicTarget(url: URL, viaProxy: boolean) {
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (isIpLiteral(host)) {
		const reason = blockedAddressReason(host);
		if (reason) throw blockedError(host, host, reason);
		return;
	}
	if (!viaProxy) return; // the agent's lookup checks the addresses it connects to
	const addresses = await lookup(host, { all: true }).catch((error: unknown) => Promise.reject(toTransportError(error)));
	for (const { address } of addresses) {
		const reason = blockedAddressReason(address);
		if (reason) throw blockedError(host, address, reason);
	}
}

function exchange(
	options: RequestOptions,
	url: URL,
	proxy: URL | undefined,
	method: string,
	headers: Record<string, string>,
	body: Buffer | undefined,
	deadline: number,
): Promise<Omit<HttpResponse, 'url' | 'redirects'>> {
	const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
	const settings = { ignoreTlsErrors: options.ignoreTlsErrors ?? false, blockPrivateNetworks: options.blockPrivateNetworks ?? false };
	const secure = url.protocol === 'https:';
	const outgoing: Record<string, string> = { ...headers };
	if (body !== undefined) outgoing['Content-Length'] = String(body.length);
	let requestOptions: http.RequestOptions;
	if (proxy && !secure) {
		// Absolute-form request to the proxy (RFC 9112 §3.2.2).
		requestOptions = {
			hostname: proxy.hostname.replace(/^\[|\]$/g, ''),
			port: proxy.port || 80,
			path: url.href,
			method,
			headers: { ...outgoing, Host: url.host, ...proxyAuthorization(proxy) },
			agent: agentFor('http:', { ...settings, proxy }),
		};
	} else {
		requestOptions = {
			hostname: url.hostname.replace(/^\[|\]$/g, ''),
			port: url.port || (secure ? 443 : 80),
			path: `${url.pathname}${url.search}`,
			method,
			headers: outgoing,
			agent: agentFor(url.protocol, { ...settings, proxy }),
		};
	}

	return new Promise((resolve, reject) => {
		let settled = false;
		const finish = (error: Error | undefined, value?: Omit<HttpResponse, 'url' | 'redirects'>) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			if (error) reject(error);
			else resolve(value as Omit<HttpResponse, 'url' | 'redirects'>);
		};
		const req = (secure ? https : http).request(requestOptions);
		const fail = (error: Error) => {
			const reused = req.reusedSocket && !responded;
			req.destroy();
			finish(Object.assign(toTransportError(error), reused ? { reusedSocket: true } : {}));
		};
		let responded = false;
		const remaining = Math.max(1, deadline - Date.now());
		const timer = setTimeout(
			() => fail(new TransportError('ETIMEDOUT', `No complete answer within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 100) / 10} s`, true)),
			remaining,
		);
		const onAbort = () => fail(new TransportError('ERR_ABORTED', 'The execution was cancelled', false));
		if (options.signal?.aborted) return onAbort();
		options.signal?.addEventListener('abort', onAbort, { once: true });

		req.on('error', fail);
		req.on('response', (res) => {
			responded = true;
			const chunks: Buffer[] = [];
			let kept = 0;
			let truncated = false;
			const done = () =>
				finish(undefined, {
					statusCode: res.statusCode ?? 0,
					statusMessage: res.statusMessage ?? '',
					headers: res.headers,
					body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, kept),
					truncated,
				});
			res.on('data', (chunk: Buffer) => {
				if (truncated) return;
				if (kept + chunk.length > maxBytes) {
					chunks.push(chunk.subarray(0, maxBytes - kept));
					kept = maxBytes;
					truncated = true;
					// Stop reading: the socket is closed rather than drained, so a huge body costs nothing more.
					res.destroy();
					done();
					return;
				}
				chunks.push(chunk);
				kept += chunk.length;
			});
			res.on('end', done);
			res.on('error', (error) => (truncated ? undefined : fail(error)));
			res.on('close', () => {
				if (!res.complete && !truncated) {
					fail(Object.assign(new Error('The connection closed before the whole answer arrived'), { code: 'ECONNRESET' }));
				}
			});
		});
		req.end(body);
	});
}
