import * as http from 'node:http';
import * as https from 'node:https';

import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

import { BoundedCache } from '../../boundedCache';
import type { Guard } from './guard';
import { guardedLookup } from './guard';

/** How a request leaves: straight to the target, or through a proxy (see `request.ts`). */
export type Route =
	| { kind: 'direct'; guard?: Guard }
	/** http targets by name: the absolute-form request goes to the proxy. */
	| { kind: 'forward'; proxy: URL }
	/** A CONNECT tunnel: https targets, and http targets whose address was checked here. */
	| { kind: 'tunnel'; proxy: URL };

/** Idle sockets close before Node's default 5 s server keep-alive does, so a reused socket is rarely stale. */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

const baseOptions = { keepAlive: true, keepAliveMsecs: 1_000, scheduling: 'lifo' as const, timeout: FREE_SOCKET_TIMEOUT_MS };

/**
 * One agent per scheme, route and guard policy; a proxy URL or SSRF setting that changes makes a new
 * one. A dropped agent is not destroyed: requests in flight on it finish, and its idle sockets close
 * after FREE_SOCKET_TIMEOUT_MS.
 */
const agents = new BoundedCache<string, http.Agent>(64);

function createAgent(protocol: string, route: Route): http.Agent {
	if (route.kind === 'direct') {
		const lookup = route.guard ? { lookup: guardedLookup(route.guard) } : {};
		return protocol === 'https:' ? new https.Agent({ ...baseOptions, ...lookup }) : new http.Agent({ ...baseOptions, ...lookup });
	}
	// These options also shape the connection to the proxy, whose certificate is always checked:
	// Ignore TLS Errors is passed per request and reaches only the target's TLS.
	const agent = route.kind === 'forward' ? new HttpProxyAgent(route.proxy, baseOptions) : new HttpsProxyAgent(route.proxy, baseOptions);
	// The library guesses the scheme from the call stack; a tunnel carries http targets too.
	agent.protocol = protocol;
	return agent;
}

/**
 * Keep-alive agents, one per scheme and route (and guard policy), the most recently used kept across
 * items and executions so connections and proxy tunnels are reused.
 */
export function agentFor(protocol: string, route: Route): http.Agent {
	const key =
		route.kind === 'direct'
			? `${protocol} direct ${route.guard ? `guarded ${route.guard.ssrf?.key ?? ''}` : ''}`
			: `${protocol} ${route.kind} ${route.proxy.href}`;
	return agents.getOrCreate(key, () => createAgent(protocol, route));
}

/** Closes every pooled socket of the agents kept (tests, and n8n shutting down). */
export function destroyAgents() {
	for (const agent of agents.values()) agent.destroy();
	agents.clear();
}
