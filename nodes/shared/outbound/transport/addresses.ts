import * as ipaddr from 'ipaddr.js';

import { bareAddress, withoutBrackets } from '../../http/hosts';

const LABELS: Record<string, string> = {
	loopback: 'a loopback address',
	private: 'a private network address (RFC 1918)',
	linkLocal: 'a link-local address (this includes cloud metadata at 169.254.169.254)',
	uniqueLocal: 'a private IPv6 address (ULA)',
	carrierGradeNat: 'a carrier-grade NAT address',
	unspecified: 'the unspecified address',
	multicast: 'a multicast address',
	broadcast: 'the broadcast address',
};

const prefix = (cidr: string) => ipaddr.parseCIDR(cidr) as [ipaddr.IPv6, number];
/** Only this block is routed on the public IPv6 internet; everything else is local, reserved or special. */
const GLOBAL_UNICAST = prefix('2000::/3');
/** IPv4-compatible addresses (deprecated): `::127.0.0.1` may still reach the IPv4 loopback. */
const IPV4_COMPATIBLE = prefix('::/96');

interface Embedding {
	name: string;
	range: [ipaddr.IPv6, number];
	/** Where the IPv4 address sits, as byte offsets; more than one list when the layout is not fixed. */
	layouts: number[][];
	/** Teredo stores the client address inverted. */
	xor?: number;
}

/**
 * IPv6 forms that carry an IPv4 address. The local-use NAT64 prefix may be split at /48, /56, /64
 * or /96 (RFC 6052 skips byte 8), so every layout is read and all of them must pass.
 */
const EMBEDDINGS: Embedding[] = [
	{ name: 'IPv4-mapped', range: prefix('::ffff:0:0/96'), layouts: [[12, 13, 14, 15]] },
	{ name: 'NAT64', range: prefix('64:ff9b::/96'), layouts: [[12, 13, 14, 15]] },
	{
		name: 'local-use NAT64',
		range: prefix('64:ff9b:1::/48'),
		layouts: [
			[6, 7, 9, 10],
			[7, 9, 10, 11],
			[9, 10, 11, 12],
			[12, 13, 14, 15],
		],
	},
	{ name: '6to4', range: prefix('2002::/16'), layouts: [[2, 3, 4, 5]] },
	{ name: 'Teredo server', range: prefix('2001::/32'), layouts: [[4, 5, 6, 7]] },
	{ name: 'Teredo client', range: prefix('2001::/32'), layouts: [[12, 13, 14, 15]], xor: 0xff },
];

/** Parses an address as DNS or a URL gives it: brackets and a zone index (`%eth0`) are ignored. */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
	const bare = bareAddress(address);
	return ipaddr.isValid(bare) ? ipaddr.parse(bare) : undefined;
}

/** The IPv4 addresses an IPv6 address carries, each with the name of the form that carries it. */
export function embeddedIpv4(address: ipaddr.IPv6): Array<{ form: string; ipv4: ipaddr.IPv4 }> {
	const bytes = address.toByteArray();
	return EMBEDDINGS.filter(({ range }) => address.match(range)).flatMap(({ name, layouts, xor = 0 }) =>
		layouts.map((offsets) => ({ form: name, ipv4: new ipaddr.IPv4(offsets.map((offset) => bytes[offset] ^ xor)) })),
	);
}

const ipv4Reason = (address: ipaddr.IPv4) => {
	const range = address.range();
	return range === 'unicast' ? undefined : (LABELS[range] ?? `a reserved address (${range})`);
};

function ipv6Reason(address: ipaddr.IPv6): string | undefined {
	const range = address.range();
	if (range === 'unspecified' || range === 'loopback') return LABELS[range];
	if (address.match(IPV4_COMPATIBLE)) return 'an IPv4-compatible IPv6 address (::/96), which can reach IPv4 hosts such as the loopback';
	const embedded = embeddedIpv4(address);
	if (embedded.length > 0) {
		for (const { form, ipv4 } of embedded) {
			const reason = ipv4Reason(ipv4);
			if (reason) return `${reason} (${ipv4.toString()}, carried in IPv6 as ${form})`;
		}
		return undefined;
	}
	if (!address.match(GLOBAL_UNICAST)) return LABELS[range] ?? `outside the public IPv6 range 2000::/3 (${range})`;
	return range === 'unicast' ? undefined : (LABELS[range] ?? `a reserved address (${range})`);
}

/**
 * Why an address must not be contacted when private networks are blocked, or undefined when it is a
 * public unicast address. IPv4 passes only as "unicast"; IPv6 only inside 2000::/3, and every IPv6
 * form that carries an IPv4 address (mapped, NAT64, 6to4, Teredo) is judged by the IPv4 it carries.
 */
export function blockedAddressReason(address: string): string | undefined {
	const parsed = parseAddress(address);
	if (!parsed) return 'not an IP address';
	return parsed.kind() === 'ipv4' ? ipv4Reason(parsed as ipaddr.IPv4) : ipv6Reason(parsed as ipaddr.IPv6);
}

export const isIpLiteral = (host: string) => ipaddr.isValid(withoutBrackets(host));
