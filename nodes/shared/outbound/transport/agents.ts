import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

import { blockedAddressReason } from './addresses';
import { TransportError } from './errors';

export interface AgentSettings {
	ignoreTlsErrors: boolean;
	blockPrivateNetworks: boolean;
	/** Set for https targets reached through a CONNECT tunnel, and for http targets sent via a proxy. */
	proxy?: URL;
}

/** Idle sockets close before Node's default 5 s server keep-alive does, so a reused socket is rarely stale. */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

const baseOptions = { keepAlive: true, keepAliveMsecs: 1_000, scheduling: 'lifo' as const, timeout: FREE_SOCKET_TIMEOUT_MS };

export const blockedError = (host: string, address: string, reason: string) =>
	new TransportError(
		'ERR_BLOCKED_ADDRESS',
		`${host} resolves to ${address}, ${reason}; Block Private Networks refuses it`,
		false,
	);

/**
 * A DNS lookup that refuses private targets at connect time, on the addresses the socket will
 * really use, so DNS rebinding and redirects cannot slip past a check made earlier.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
	dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
		if (error) return callback(error, '');
		for (const { address } of addresses) {
			const reason = blockedAddressReason(address);
			if (reason) return callback(blockedError(hostname, address, reason) as NodeJS.ErrnoException, '');
		}
		if (addresses.length === 0) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '');
		if (options.all) return callback(null, addresses);
		return callback(null, addresses[0].address, addresses[0].family);
	});
};

export const proxyAuthorization = (proxy: URL): Record<string, string> =>
	proxy.username
		? {
				'Proxy-Authorization': `Basic ${Buffer.from(
					`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`,
				).toString('base64')}`,
			}
		: {};

/** An https agent whose sockets are TLS over a CONNECT tunnel through an http proxy; tunnels are kept alive and reused. */
class TunnelAgent extends https.Agent {
	constructor(
		private readonly proxy: URL,
		options: https.AgentOptions,
	) {
		super(options);
	}

	createConnection(options: https.RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): Duplex | undefined {
		const done = callback ?? (() => undefined);
		const target = `${options.host ?? options.hostname}:${options.port}`;
		const connect = http.request({
			host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
			port: this.proxy.port || 80,
			method: 'CONNECT',
			path: target,
			headers: { Host: target, ...proxyAuthorization(this.proxy) },
			agent: false,
		});
		connect.once('connect', (response, socket) => {
			if (response.statusCode !== 200) {
				socket.destroy();
				done(new TransportError('ERR_PROXY', `The proxy answered CONNECT ${target} with ${response.statusCode}`, true), socket);
				return;
			}
			const secure = tls.connect({ ...(options as tls.ConnectionOptions), socket });
			done(null, secure);
		});
		connect.once('error', (error: NodeJS.ErrnoException) =>
			done(new TransportError('ERR_PROXY', `Could not reach the proxy: ${error.message}`, true), undefined as unknown as Duplex),
		);
		connect.end();
		return undefined;
	}
}

const agents = new Map<string, http.Agent>();

/**
 * Keep-alive agents, one per combination of settings, kept for the life of the process so
 * connections are reused across items and across executions.
 */
export function agentFor(protocol: string, settings: AgentSettings): http.Agent {
	const key = `${protocol}${settings.ignoreTlsErrors ? 1 : 0}${settings.blockPrivateNetworks ? 1 : 0}${settings.proxy?.href ?? ''}`;
	let agent = agents.get(key);
	if (agent) return agent;
	// Through a proxy, the proxy resolves the target; the request module checks the target itself.
	const lookup = settings.blockPrivateNetworks && !settings.proxy ? { lookup: guardedLookup } : {};
	if (protocol === 'https:') {
		const options: https.AgentOptions = { ...baseOptions, ...lookup, rejectUnauthorized: !settings.ignoreTlsErrors };
		agent = settings.proxy ? new TunnelAgent(settings.proxy, options) : new https.Agent(options);
	} else {
		agent = new http.Agent({ ...baseOptions, ...lookup });
	}
	agents.set(key, agent);
	return agent;
}

/** Closes every pooled socket (tests, and n8n shutting down). */
export function destroyAgents() {
	for (const agent of agents.values()) agent.destroy();
	agents.clear();
}
