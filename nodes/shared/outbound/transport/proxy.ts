/**
 * The proxy for a URL from HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case), as curl and n8n's own
 * HTTP stack read them. NO_PROXY holds host names, domain suffixes (`.corp` or `corp`), `host:port`,
 * IP addresses, or `*`.
 */
export type ProxyEnv = Record<string, string | undefined>;

const read = (env: ProxyEnv, name: string) => env[name.toLowerCase()] ?? env[name.toUpperCase()];

const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'no_proxy'];

/** The proxy variables of the environment, read once: process.env lookups are slow on a hot path. */
export function proxyEnvironment(env: ProxyEnv = process.env): ProxyEnv {
	const snapshot: ProxyEnv = {};
	for (const name of PROXY_VARIABLES) {
		const value = read(env, name);
		if (value !== undefined) snapshot[name] = value;
	}
	return snapshot;
}

export function proxyFor(target: URL, env: ProxyEnv = process.env): URL | undefined {
	const raw = target.protocol === 'https:' ? read(env, 'https_proxy') : read(env, 'http_proxy');
	if (!raw || bypassesProxy(target, read(env, 'no_proxy') ?? '')) return undefined;
	try {
		return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
	} catch {
		return undefined;
	}
}

const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

export function bypassesProxy(target: URL, noProxy: string): boolean {
	const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = defaultPort(target);
	for (const rawEntry of noProxy.split(/[,\s]+/)) {
		const entry = rawEntry.trim().toLowerCase();
		if (entry === '') continue;
		if (entry === '*') return true;
		const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
		if (!match) continue;
		const entryHost = match[1].replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
		if (match[2] && match[2] !== port) continue;
		if (entryHost.startsWith('.') ? host.endsWith(entryHost) || host === entryHost.slice(1) : host === entryHost || host.endsWith(`.${entryHost}`)) {
			return true;
		}
	}
	return false;
}
