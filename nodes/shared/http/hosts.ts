/**
 * A URL writes an IPv6 host in brackets (`[::1]`) so its colons are not read as a port; DNS, sockets
 * and address parsers want it without them. A name or IPv4 host passes through unchanged.
 */
export const withoutBrackets = (host: string): string => host.replace(/^\[|\]$/g, '');

/** Drops a zone index (`fe80::1%eth0`): it names a local interface and says nothing about where the address is. */
export const withoutZone = (address: string): string => address.replace(/%.*$/, '');

/** An address as an IP parser wants it: no brackets and no zone index. */
export const bareAddress = (address: string): string => withoutZone(withoutBrackets(address));
