import * as ipaddr from 'ipaddr.js';

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

/**
 * Why an address must not be contacted when private networks are blocked, or undefined when it is a
 * public unicast address. Only "unicast" passes, so every special range (NAT64, 6to4, Teredo,
 * reserved, benchmarking, …) is refused too; IPv4-mapped IPv6 is judged as the IPv4 it carries.
 */
export function blockedAddressReason(address: string): string | undefined {
	const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
	if (!ipaddr.isValid(bare)) return 'not an IP address';
	let parsed = ipaddr.parse(bare);
	if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
		parsed = (parsed as ipaddr.IPv6).toIPv4Address();
	}
	const range = parsed.range();
	if (range === 'unicast') return undefined;
	return LABELS[range] ?? `a reserved address (${range})`;
}

export const isIpLiteral = (host: string) => ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
