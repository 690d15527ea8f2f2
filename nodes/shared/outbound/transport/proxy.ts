import { getProxyForUrl } from 'proxy-from-env';

import { TransportError } from './errors';
import { N8N_SSRF_VARIABLES } from './n8nSsrf';

/**
 * The environment the transport reads: the proxy variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,
 * NO_PROXY and npm's npm_config_* forms, either case) and n8n's N8N_SSRF_* settings.
 */
export type ProxyEnv = Record<string, string | undefined>;

/** What proxy-from-env reads (it accepts the lower- and upper-case form of each). */
const PROXY_VARIABLES = [
	'http_proxy',
	'https_proxy',
	'all_proxy',
	'no_proxy',
	'npm_config_http_proxy',
	'npm_config_https_proxy',
	'npm_config_proxy',
	'npm_config_no_proxy',
];
const VARIABLES = [
	...PROXY_VARIABLES.flatMap((name) => [name, name.toUpperCase()]),
	...N8N_SSRF_VARIABLES.flatMap((name) => [name, `${name}_FILE`]),
];

/** The transport's variables, read once per run: process.env lookups are slow on a hot path. */
export function proxyEnvironment(env: ProxyEnv = process.env): ProxyEnv {
	const snapshot: ProxyEnv = {};
	for (const name of VARIABLES) if (env[name] !== undefined) snapshot[name] = env[name];
	return snapshot;
}

/**
 * proxy-from-env reads process.env only; the given variables stand in for it during this
 * synchronous call, so nothing else can observe the swap.
 */
function withEnvironment<T>(env: ProxyEnv, read: () => T): T {
	if (env === process.env) return read();
	const real = process.env;
	process.env = env as NodeJS.ProcessEnv;
	try {
		return read();
	} finally {
		process.env = real;
	}
}

/**
 * The proxy for a URL, as n8n's own HTTP helpers choose it (proxy-from-env): the scheme's variable,
 * then ALL_PROXY; NO_PROXY holds exact host names, `.example.com` or `*.example.com` suffixes,
 * `host:port`, or `*`. A proxy given without a scheme speaks the target's scheme. A proxy that
 * cannot be used fails the request rather than being skipped, so traffic never bypasses it unseen.
 */
export function proxyFor(target: URL, env: ProxyEnv = process.env): URL | undefined {
	const raw = withEnvironment(env, () => getProxyForUrl(target.href));
	if (!raw) return undefined;
	let proxy: URL | undefined;
	try {
		proxy = new URL(raw);
	} catch {
		proxy = undefined;
	}
	if (proxy?.protocol === 'http:' || proxy?.protocol === 'https:') return proxy;
	// The value may hold a password, so the message names the variables, not the value.
	const variable = `${target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} or ALL_PROXY`;
	throw new TransportError('ERR_PROXY', `The proxy set in ${variable} is not an http:// or https:// URL`, false);
}
