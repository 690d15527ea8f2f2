import * as dns from 'node:dns';
import type { LookupFunction } from 'node:net';

import { withoutBrackets } from '../../http/hosts';
import { blockedAddressReason, isIpLiteral } from './addresses';
import { TransportError, toTransportError } from './errors';
import type { N8nSsrfPolicy } from './n8nSsrf';

/**
 * The private-network guard: the node's own rule (only public unicast addresses), plus n8n's SSRF
 * settings when n8n's protection is on (its blocked ranges and hostnames added, its allowed ranges
 * and hostnames exempted).
 */
export interface Guard {
	ssrf?: N8nSsrfPolicy;
}

const N8N_NOTE =
	" n8n's SSRF protection is on (N8N_SSRF_PROTECTION_ENABLED), so Block Private Networks cannot be switched off in the node; to allow this target, add the host to N8N_SSRF_ALLOWED_HOSTNAMES or its range to N8N_SSRF_ALLOWED_IP_RANGES.";

export const blockedError = (guard: Guard, host: string, address: string, reason: string) =>
	new TransportError(
		'ERR_BLOCKED_ADDRESS',
		`${host === address ? address : `${host} resolves to ${address}`}, ${reason}; Block Private Networks refuses it.${guard.ssrf ? N8N_NOTE : ''}`,
		false,
	);

/** Why this address is refused, or undefined. */
export function addressRefusal(guard: Guard, address: string): string | undefined {
	if (guard.ssrf?.allowsAddress(address)) return undefined;
	return blockedAddressReason(address) ?? (guard.ssrf?.blocksAddress(address) ? 'in a range of N8N_SSRF_BLOCKED_IP_RANGES' : undefined);
}

/**
 * What the guard says about a host before any address is known: `skip` for a name n8n allows (n8n
 * then checks no address either), an error for a refused IP literal or blocked name, else `resolve`.
 */
export function hostVerdict(guard: Guard, hostname: string): 'skip' | 'resolve' | TransportError {
	const host = withoutBrackets(hostname);
	if (isIpLiteral(host)) {
		const reason = addressRefusal(guard, host);
		return reason ? blockedError(guard, host, host, reason) : 'skip';
	}
	if (guard.ssrf?.allowsHostname(host)) return 'skip';
	if (guard.ssrf?.blocksHostname(host)) return blockedError(guard, host, host, 'a name listed in N8N_SSRF_BLOCKED_HOSTNAMES');
	return 'resolve';
}

/** Resolves a name and checks every address; the first one is the one to connect to. */
export async function resolveChecked(guard: Guard, host: string): Promise<string> {
	const addresses = await dns.promises.lookup(host, { all: true }).catch((error: unknown) => Promise.reject(toTransportError(error)));
	if (addresses.length === 0) throw new TransportError('ENOTFOUND', `No address for ${host}`, false);
	for (const { address } of addresses) {
		const reason = addressRefusal(guard, address);
		if (reason) throw blockedError(guard, host, address, reason);
	}
	return addresses[0].address;
}

/**
 * A DNS lookup that refuses private targets at connect time, on the addresses the socket will
 * really use, so DNS rebinding and redirects cannot slip past a check made earlier.
 */
export function guardedLookup(guard: Guard): LookupFunction {
	return (hostname, options, callback) => {
		const verdict = hostVerdict(guard, hostname);
		if (verdict instanceof TransportError) return callback(verdict as NodeJS.ErrnoException, '');
		dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
			if (error) return callback(error, '');
			for (const { address } of verdict === 'skip' ? [] : addresses) {
				const reason = addressRefusal(guard, address);
				if (reason) return callback(blockedError(guard, hostname, address, reason) as NodeJS.ErrnoException, '');
			}
			if (addresses.length === 0) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '');
			if (options.all) return callback(null, addresses);
			return callback(null, addresses[0].address, addresses[0].family);
		});
	};
}
