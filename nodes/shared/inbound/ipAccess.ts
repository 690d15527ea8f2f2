import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

import { withoutZone } from '../http/hosts';
import type { HeaderBag } from '../signatures/types';

/**
 * Real CIDR matching for IPv4 and IPv6 (n8n's own Webhook node compares strings). An IPv4 address
 * written as IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack socket reports) is matched as
 * the IPv4 address it is.
 */
type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type IpRange = [Address, number];

export interface IpAccess {
	/** Ranges a client must be in; empty means every client is allowed. */
	allow: IpRange[];
	/** Proxies whose X-Forwarded-For is believed. */
	trustedProxies: IpRange[];
}

/** Parses an address, unwrapping IPv4-mapped IPv6; undefined for anything that is not an address. */
export function parseAddress(text: string | undefined): Address | undefined {
	if (!text) return undefined;
	let value = text.trim();
	// X-Forwarded-For entries may carry a port: 1.2.3.4:5678 or [2001:db8::1]:443.
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
	if (bracketed) value = bracketed[1];
	else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.indexOf(':'));
	value = withoutZone(value);
	// Node's check, not ipaddr.js's: that one reads 192.168.001.010 as octal (192.168.1.8) and 10.1 as 10.0.0.1.
	if (isIP(value) === 0) return undefined;
	return ipaddr.process(value);
}

function parseRange(entry: string): IpRange | undefined {
	const slash = entry.indexOf('/');
	if (slash === -1) {
		const address = parseAddress(entry);
		return address ? [address, address.kind() === 'ipv4' ? 32 : 128] : undefined;
	}
	const address = parseAddress(entry.slice(0, slash));
	const bitsText = entry.slice(slash + 1);
	if (!address || !/^\d{1,3}$/.test(bitsText)) return undefined;
	let bits = Number(bitsText);
	const mappedV6 = ipaddr.IPv6.isValid(entry.slice(0, slash).trim()) && address.kind() === 'ipv4';
	if (mappedV6) bits -= 96;
	const maxBits = address.kind() === 'ipv4' ? 32 : 128;
	return bits >= 0 && bits <= maxBits ? [address, bits] : undefined;
}

/**
 * Parses a list of addresses and CIDR ranges separated by commas, spaces or new lines.
 * Throws an Error whose message names `label` and the bad entry, for the node to show at publish time.
 */
export function parseIpList(text: string | undefined, label: string): IpRange[] {
	const ranges: IpRange[] = [];
	for (const entry of (text ?? '').split(/[\s,]+/)) {
		if (entry === '') continue;
		const range = parseRange(entry);
		if (!range) throw new Error(`${label}: "${entry.slice(0, 60)}" is not an IP address or CIDR range`);
		ranges.push(range);
	}
	return ranges;
}

export function inRanges(address: Address, ranges: readonly IpRange[]): boolean {
	for (const [base, bits] of ranges) {
		if (address.kind() === base.kind() && address.match(base, bits)) return true;
	}
	return false;
}

/**
 * The client's address. X-Forwarded-For is read only when the direct peer is a trusted proxy, and
 * then walked from the right: each hop added by a trusted proxy is skipped, and the first address
 * that is not a trusted proxy is the client. A malformed hop makes the client unknown.
 */
export function clientAddress(
	peer: string | undefined,
	forwardedFor: string | string[] | undefined,
	trustedProxies: readonly IpRange[],
): Address | undefined {
	let address = parseAddress(peer);
	if (!address || trustedProxies.length === 0 || !forwardedFor || !inRanges(address, trustedProxies)) return address;
	const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
	for (let index = hops.length - 1; index >= 0 && inRanges(address, trustedProxies); index--) {
		const hop = parseAddress(hops[index]);
		if (!hop) return undefined;
		address = hop;
	}
	return address;
}

type ParsedAddress = ReturnType<typeof clientAddress>;
let lastClient: { peer: string | undefined; client: ParsedAddress; clientIp: string | undefined } | undefined;

/**
 * The client address. A sender without X-Forwarded-For comes back from the same peer address
 * request after request (a kept-alive connection, one proxy), and without that header the peer
 * alone decides, so its parsed form is reused.
 */
export function clientOf(peer: string | undefined, forwardedFor: HeaderBag[string], trustedProxies: Parameters<typeof clientAddress>[2]) {
	if (forwardedFor === undefined && lastClient !== undefined && lastClient.peer === peer) return lastClient;
	const client = clientAddress(peer, forwardedFor, trustedProxies);
	const found = { peer, client, clientIp: client?.toString() };
	if (forwardedFor === undefined) lastClient = found;
	return found;
}
