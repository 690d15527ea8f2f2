import * as http from 'node:http';
import * as https from 'node:https';

import { isReservedHeader } from '../../http/headerRules';
import { withoutBrackets } from '../../http/hosts';
import { isIpLiteral } from './addresses';
import type { ClientTls } from '../clientCertificate';
import type { Route } from './agents';
import { agentFor } from './agents';
import { TransportError, toTransportError } from './errors';
import type { Guard } from './guard';
import { hostVerdict, resolveChecked } from './guard';
import { n8nSsrfPolicy } from './n8nSsrf';
import type { ProxyEnv } from './proxy';
import { proxyFor } from './proxy';
import type { Hop } from './redirects';
import { REDIRECT_STATUSES, redirectHop } from './redirects';

export interface RequestOptions {
	method: string;
	url: URL;
	headers?: Record<string, string>;
	body?: Buffer;
	/** For the whole exchange, redirects included: connect, send, and read the answer. Default 30 s. */
	timeoutMs?: number;
	/** Bytes of the response body kept; the rest is discarded unread. Default 1 MiB. */
	maxResponseBytes?: number;
	/** Redirects to another origin carry only Accept, User-Agent and (with the body) Content-Type. */
	followRedirects?: boolean;
	/** Default 5. */
	maxRedirects?: number;
	/** For the target's certificate only; an https:// proxy's certificate is always checked. */
	ignoreTlsErrors?: boolean;
	/** A client certificate (mTLS), presented to https targets of the URL's own origin only, not after a redirect elsewhere. */
	clientTls?: ClientTls;
	/**
	 * Refuse loopback, private, link-local (cloud metadata) and other non-public targets, on every
	 * hop. Always on while n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED) is.
	 */
	blockPrivateNetworks?: boolean;
	/** Where the proxy variables and n8n's N8N_SSRF_* settings are read from; default process.env. */
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
	/**
	 * Why the body ended early after the status line had arrived (the timeout passed, or the connection
	 * closed): the receiver's status still counts, since it has decided; the body is what arrived.
	 */
	incomplete?: string;
	/** The URL that answered (after redirects). */
	url: URL;
	/** The method that URL was asked with: 303, and 301/302 after a POST, turn it into GET. */
	method?: string;
	redirects: number;
}

type Answer = Omit<HttpResponse, 'url' | 'redirects'>;

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
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
	const ssrf = n8nSsrfPolicy(options.env ?? process.env);
	const guard: Guard | undefined = options.blockPrivateNetworks || ssrf ? { ssrf } : undefined;
	let hop: Hop = { url: options.url, method: options.method.toUpperCase(), headers: { ...(options.headers ?? {}) }, body: options.body };
	for (let redirects = 0; ; redirects++) {
		const response = await sendOnce(options, hop, guard, deadline);
		const location = response.headers.location;
		if (!options.followRedirects || !REDIRECT_STATUSES.has(response.statusCode) || !location) {
			return { ...response, url: hop.url, method: hop.method, redirects };
		}
		// A redirect is followed only once its answer is whole, within the timeout that covers the whole chain.
		if (Date.now() >= deadline) {
			throw new TransportError(
				'ETIMEDOUT',
				`No complete answer within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 100) / 10} s`,
				true,
			);
		}
		if (redirects >= maxRedirects) {
			throw new TransportError('ERR_TOO_MANY_REDIRECTS', `More than ${maxRedirects} redirects`, false);
		}
		if (response.incomplete) throw new TransportError('ECONNRESET', `The redirect's answer ended early: ${response.incomplete}`, true);
		hop = redirectHop(hop, response.statusCode, location);
	}
}

/**
 * How to reach a URL. Through a proxy the proxy would resolve the name again, after any check made
 * here; so with the guard on, a name is resolved and checked here and the proxy is asked for a
 * tunnel to that checked address (TLS still verifies the name). IP literals and names n8n allows
 * need no resolving.
 */
async function routeFor(url: URL, env: ProxyEnv, guard: Guard | undefined): Promise<{ route: Route; address?: string }> {
	const proxy = proxyFor(url, env);
	const verdict = guard ? hostVerdict(guard, url.hostname) : 'skip';
	if (verdict instanceof TransportError) throw verdict;
	if (!proxy) return { route: { kind: 'direct', guard: verdict === 'resolve' ? guard : undefined } };
	if (verdict === 'resolve') return { route: { kind: 'tunnel', proxy }, address: await resolveChecked(guard as Guard, url.hostname) };
	return { route: { kind: url.protocol === 'https:' ? 'tunnel' : 'forward', proxy } };
}

async function sendOnce(options: RequestOptions, hop: Hop, guard: Guard | undefined, deadline: number): Promise<Answer> {
	const { route, address } = await routeFor(hop.url, options.env ?? process.env, guard);
	for (let staleRetries = 0; ; staleRetries++) {
		try {
			return await exchange(options, hop, requestOptionsFor(options, hop, route, address), deadline);
		} catch (error) {
			const failure = toTransportError(error);
			const stale = (error as { reusedSocket?: boolean }).reusedSocket === true;
			if (!(stale && IDEMPOTENT_METHODS.has(hop.method) && STALE_SOCKET_CODES.has(failure.code) && staleRetries < 2)) {
				return Promise.reject(failure);
			}
		}
	}
}

/**
 * The caller's headers without the framing and hop-by-hop ones this client sets: the nodes refuse them in
 * settings, and this keeps a name that slipped through (an expression, a credential) from desyncing the request.
 */
function withoutReservedHeaders(headers: Record<string, string>): Record<string, string> {
	const kept: Record<string, string> = {};
	for (const name of Object.keys(headers)) if (!isReservedHeader(name)) kept[name] = headers[name];
	return kept;
}

/** Node's request options, plus the proxy in use, if any. */
type Prepared = https.RequestOptions & { proxy?: { url: URL; tunnel: boolean } };

function requestOptionsFor(options: RequestOptions, hop: Hop, route: Route, address?: string): Prepared {
	const { url } = hop;
	const secure = url.protocol === 'https:';
	const hostname = withoutBrackets(url.hostname);
	const headers = withoutReservedHeaders(hop.headers);
	headers.Host = url.host;
	if (hop.body !== undefined) headers['Content-Length'] = String(hop.body.length);
	return {
		protocol: url.protocol,
		host: address ?? hostname,
		port: Number(url.port || (secure ? 443 : 80)),
		path: `${url.pathname}${url.search}`,
		method: hop.method,
		headers,
		agent: agentFor(url.protocol, route),
		...(secure ? { rejectUnauthorized: options.ignoreTlsErrors !== true } : {}),
		// node:https keeps sockets with different certificates apart in the agent's pool.
		...(secure && options.clientTls && url.origin === options.url.origin ? options.clientTls : {}),
		// The certificate is checked against the name even when the connection goes to a checked address.
		...(secure && !isIpLiteral(hostname) ? { servername: hostname } : {}),
		proxy: route.kind === 'direct' ? undefined : { url: route.proxy, tunnel: route.kind === 'tunnel' },
	};
}

const proxyError = (proxy: URL, detail: string, retryable = true) =>
	new TransportError('ERR_PROXY', `The proxy ${proxy.host} ${detail}`, retryable);

/** What a failed exchange reports: before the request has its socket, and TLS before the tunnel is open, the proxy failed. */
function exchangeFailure(
	error: Error,
	proxy: Prepared['proxy'],
	state: { socketAssigned: boolean; tunnelOpen: boolean; reused: boolean },
): TransportError {
	const failure = toTransportError(error);
	const proxyFailed =
		proxy && !(error instanceof TransportError) && (!state.socketAssigned || (failure.code.startsWith('ERR_TLS_') && !state.tunnelOpen));
	return Object.assign(
		proxyFailed ? proxyError(proxy.url, `could not be used: ${error.message}`) : failure,
		state.reused ? { reusedSocket: true } : {},
	);
}

/**
 * Sends one request and reads the answer, keeping at most maxBytes: past that the socket is closed
 * rather than drained, so a huge body costs nothing more.
 */
function exchange(options: RequestOptions, hop: Hop, requestOptions: Prepared, deadline: number): Promise<Answer> {
	const { proxy, ...nodeOptions } = requestOptions;
	return new Promise((resolve, reject) => {
		// Cancelled already (during a rate-limit wait or a token fetch): no request is made, so none is destroyed
		// before its error listener exists (an unhandled 'error' event).
		if (options.signal?.aborted) return reject(new TransportError('ERR_ABORTED', 'The execution was cancelled', false));
		let settled = false;
		let socketAssigned = false;
		let tunnelOpen = false;
		let responded = false;
		const finish = (error: Error | undefined, value?: Answer) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			if (error) reject(error);
			else resolve(value as Answer);
		};
		const req = (hop.url.protocol === 'https:' ? https : http).request(nodeOptions);
		const fail = (error: Error) => {
			const reused = req.reusedSocket && !responded;
			req.destroy();
			finish(exchangeFailure(error, proxy, { socketAssigned, tunnelOpen, reused }));
		};
		const seconds = Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 100) / 10;
		// Set once the status line is in: the rest of the body may then be given up without losing the answer.
		let endEarly: ((reason: string) => void) | undefined;
		const timer = setTimeout(
			() => {
				if (!endEarly) return fail(new TransportError('ETIMEDOUT', `No complete answer within ${seconds} s`, true));
				req.destroy();
				endEarly(`the rest of the body did not arrive within the ${seconds} s timeout`);
			},
			Math.max(1, deadline - Date.now()),
		);
		const onAbort = () => fail(new TransportError('ERR_ABORTED', 'The execution was cancelled', false));
		options.signal?.addEventListener('abort', onAbort, { once: true });

		req.on('socket', () => (socketAssigned = true));
		// A refused CONNECT would otherwise look like the receiver's own answer.
		req.on('proxyConnect', ({ statusCode }: { statusCode: number }) => {
			tunnelOpen = statusCode === 200 && proxy?.tunnel === true;
			if (proxy && statusCode !== 200) fail(proxyError(proxy.url, `answered CONNECT with ${statusCode}`, statusCode >= 500));
		});
		req.on('error', fail);
		req.on('response', (res) => {
			responded = true;
			endEarly = readAnswer(res, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, finish);
		});
		req.end(hop.body);
	});
}

/** Reads the body up to maxBytes; gives the function that ends the answer early with what has arrived. */
function readAnswer(res: http.IncomingMessage, maxBytes: number, finish: (error: undefined, value: Answer) => void) {
	const chunks: Buffer[] = [];
	let kept = 0;
	let truncated = false;
	const done = (incomplete?: string) =>
		finish(undefined, {
			statusCode: res.statusCode ?? 0,
			statusMessage: res.statusMessage ?? '',
			headers: res.headers,
			body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, kept),
			truncated,
			...(incomplete ? { incomplete } : {}),
		});
	res.on('data', (chunk: Buffer) => {
		if (truncated) return;
		if (kept + chunk.length > maxBytes) {
			chunks.push(chunk.subarray(0, maxBytes - kept));
			kept = maxBytes;
			truncated = true;
			res.destroy();
			done();
			return;
		}
		chunks.push(chunk);
		kept += chunk.length;
	});
	res.on('end', () => done());
	// An error here is the connection's, after the status line: the close below ends the answer.
	res.on('error', () => undefined);
	res.on('close', () => {
		if (!res.complete && !truncated) done('the connection closed before the rest of the body arrived');
	});
	return done;
}
