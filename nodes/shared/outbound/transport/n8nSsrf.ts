import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';

import { bareAddress } from '../../http/hosts';
import { embeddedIpv4, parseAddress } from './addresses';

/**
 * n8n's own SSRF protection settings (`@n8n/config`, ssrf-protection.config.js in n8n 2.41), read
 * the way n8n reads them, so an administrator's policy also covers this node's own HTTP client.
 */
export type SsrfEnv = Record<string, string | undefined>;

/** n8n 2.41's default for N8N_SSRF_BLOCKED_IP_RANGES, also what the word `default` stands for in it. */
export const N8N_DEFAULT_BLOCKED_IP_RANGES: readonly string[] = [
	'10.0.0.0/8',
	'172.16.0.0/12',
	'192.168.0.0/16',
	'127.0.0.0/8',
	'::1/128',
	'169.254.0.0/16',
	'fe80::/10',
	'fc00::/7',
	'fd00::/8',
	'0.0.0.0/8',
	'192.0.0.0/24',
	'192.0.2.0/24',
	'198.18.0.0/15',
	'198.51.100.0/24',
	'203.0.113.0/24',
];

export const N8N_SSRF_VARIABLES = [
	'N8N_SSRF_PROTECTION_ENABLED',
	'N8N_SSRF_BLOCKED_IP_RANGES',
	'N8N_SSRF_ALLOWED_IP_RANGES',
	'N8N_SSRF_ALLOWED_HOSTNAMES',
	'N8N_SSRF_BLOCKED_HOSTNAMES',
];

export interface N8nSsrfPolicy {
	/** The raw settings, so agents built for one policy are not reused for another. */
	key: string;
	allowsHostname: (hostname: string) => boolean;
	blocksHostname: (hostname: string) => boolean;
	allowsAddress: (address: string) => boolean;
	/** True when the address, or an IPv4 address it carries, is in a blocked range. */
	blocksAddress: (address: string) => boolean;
}

/** As n8n: the variable itself, else the file named by `<NAME>_FILE`, trimmed. */
function readVariable(env: SsrfEnv, name: string): string | undefined {
	if (name in env) return env[name];
	const file = env[`${name}_FILE`];
	return file ? readFileSync(file, 'utf8').trim() : undefined;
}

const list = (value: string | undefined) =>
	(value ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');

/** n8n strips one pair of surrounding quotes from this value and expands `default`. */
function blockedRanges(value: string | undefined): string[] {
	if (value === undefined) return [...N8N_DEFAULT_BLOCKED_IP_RANGES];
	const unquoted = value.trim().replace(/^(['"])(.*)\1$/, '$2');
	return [...new Set(list(unquoted).flatMap((entry) => (entry.toLowerCase() === 'default' ? N8N_DEFAULT_BLOCKED_IP_RANGES : [entry])))];
}

/** Entries that are not `address/prefix` are skipped, as n8n skips them (it logs a warning). */
function rangeList(entries: readonly string[]): BlockList {
	const ranges = new BlockList();
	for (const entry of entries) {
		const match = /^([^/]+)\/(\d{1,3})$/.exec(entry);
		const family = match ? isIP(match[1]) : 0;
		const bits = Number(match?.[2]);
		if (!match || family === 0 || bits > (family === 4 ? 32 : 128)) continue;
		ranges.addSubnet(match[1], bits, family === 4 ? 'ipv4' : 'ipv6');
	}
	return ranges;
}

/** n8n's hostname patterns: exact names, or `*.example.com` for names below example.com (not itself). */
export function hostnameMatcher(patterns: readonly string[]): (hostname: string) => boolean {
	const normalize = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');
	const exact = new Set<string>();
	const suffixes: string[] = [];
	for (const pattern of patterns.map(normalize).filter((value) => value !== '')) {
		if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1));
		else exact.add(pattern);
	}
	return (hostname) => {
		const name = normalize(hostname);
		return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
	};
}

const inList = (ranges: BlockList, address: string) => {
	const bare = bareAddress(address);
	const family = isIP(bare);
	return family !== 0 && ranges.check(bare, family === 4 ? 'ipv4' : 'ipv6');
};

function buildPolicy(env: SsrfEnv, key: string): N8nSsrfPolicy {
	const blocked = rangeList(blockedRanges(readVariable(env, 'N8N_SSRF_BLOCKED_IP_RANGES')));
	const allowed = rangeList(list(readVariable(env, 'N8N_SSRF_ALLOWED_IP_RANGES')));
	return {
		key,
		allowsHostname: hostnameMatcher(list(readVariable(env, 'N8N_SSRF_ALLOWED_HOSTNAMES'))),
		blocksHostname: hostnameMatcher(list(readVariable(env, 'N8N_SSRF_BLOCKED_HOSTNAMES'))),
		allowsAddress: (address) => inList(allowed, address),
		blocksAddress: (address) => {
			if (inList(blocked, address)) return true;
			const parsed = parseAddress(address);
			if (parsed?.kind() !== 'ipv6') return false;
			return embeddedIpv4(parsed as Parameters<typeof embeddedIpv4>[0]).some(({ ipv4 }) => inList(blocked, ipv4.toString()));
		},
	};
}

let cached: N8nSsrfPolicy | undefined;

/** n8n's SSRF policy when N8N_SSRF_PROTECTION_ENABLED is `true` or `1`, else undefined. */
export function n8nSsrfPolicy(env: SsrfEnv = process.env): N8nSsrfPolicy | undefined {
	const enabled = readVariable(env, 'N8N_SSRF_PROTECTION_ENABLED');
	if (!enabled || !['true', '1'].includes(enabled.toLowerCase())) return undefined;
	const key = N8N_SSRF_VARIABLES.map((name) => `${env[name] ?? ''}|${env[`${name}_FILE`] ?? ''}`).join('\n');
	if (cached?.key !== key) cached = buildPolicy(env, key);
	return cached;
}
