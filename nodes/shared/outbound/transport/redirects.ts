import { TransportError } from './errors';

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What one request of a redirect chain sends. */
export interface Hop {
	url: URL;
	method: string;
	headers: Record<string, string>;
	body?: Buffer;
}

/**
 * The only headers that follow a redirect to another origin (scheme, host or port). Everything
 * else may be a secret or replayable: custom headers, signatures (valid at the first origin),
 * credentials, the idempotency key. Content-Type goes only along with the body.
 */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'accept-language', 'user-agent', 'content-type']);

const keep = (headers: Record<string, string>, wanted: (name: string) => boolean) =>
	Object.fromEntries(Object.entries(headers).filter(([name]) => wanted(name.toLowerCase())));

/** The request a redirect asks for, as browsers and follow-redirects make it. */
export function redirectHop(current: Hop, statusCode: number, location: string): Hop {
	if (!URL.canParse(location, current.url)) {
		throw new TransportError('ERR_BAD_REDIRECT', 'The redirect Location is not a valid URL', false);
	}
	const next = new URL(location, current.url);
	if (next.protocol !== 'http:' && next.protocol !== 'https:') {
		throw new TransportError('ERR_BAD_REDIRECT', `Redirect to the unsupported scheme ${next.protocol}`, false);
	}
	let { method, headers, body } = current;
	// 303, and 301/302 after POST, continue as GET without a body.
	if (statusCode === 303 ? method !== 'HEAD' : (statusCode === 301 || statusCode === 302) && method === 'POST') {
		method = 'GET';
		body = undefined;
		headers = keep(headers, (name) => name !== 'content-type' && name !== 'content-length');
	}
	if (next.origin !== current.url.origin) headers = keep(headers, (name) => CROSS_ORIGIN_HEADERS.has(name));
	return { url: next, method, headers, body };
}
