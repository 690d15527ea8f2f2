import { blockedAddressReason, embeddedIpv4, parseAddress } from '../../../../../nodes/shared/outbound/transport/addresses';

/** The host exactly as the node sees it: the URL parser's spelling, brackets and all. */
const hostOf = (url: string) => new URL(url).hostname;

describe('blockedAddressReason, every spelling of a URL host', () => {
	it.each([
		// IPv4 and the URL parser's other spellings of it
		['http://127.0.0.1/', /loopback/],
		['http://127.8.8.8/', /loopback/],
		['http://2130706433/', /loopback/],
		['http://0x7f.1/', /loopback/],
		['http://017700000001/', /loopback/],
		['http://127.1/', /loopback/],
		['http://0/', /unspecified/],
		['http://10.0.0.1/', /private/],
		['http://172.16.5.4/', /private/],
		['http://192.168.1.1/', /private/],
		['http://169.254.169.254/', /link-local.*metadata/],
		['http://100.64.0.1/', /carrier-grade/],
		['http://224.0.0.1/', /multicast/],
		['http://255.255.255.255/', /broadcast/],
		['http://192.0.2.1/', /reserved/],
		// plain IPv6
		['http://[::1]/', /loopback/],
		['http://[::]/', /unspecified/],
		['http://[fd00:ec2::254]/', /ULA/],
		['http://[fc00::1]/', /ULA/],
		['http://[fe80::1]/', /link-local/],
		['http://[ff02::1]/', /multicast/],
		['http://[2001:db8::1]/', /reserved/],
		// outside 2000::/3
		['http://[100::1]/', /outside the public IPv6 range/],
		['http://[4000::1]/', /outside the public IPv6 range/],
		['http://[::ffff:0:7f00:1]/', /outside the public IPv6 range/],
		// IPv4-compatible ::/96, which the URL parser rewrites to hex
		['http://[::127.0.0.1]/', /IPv4-compatible/],
		['http://[::7f00:1]/', /IPv4-compatible/],
		['http://[::169.254.169.254]/', /IPv4-compatible/],
		['http://[::8.8.8.8]/', /IPv4-compatible/],
		// IPv4-mapped
		['http://[::ffff:127.0.0.1]/', /loopback.*127\.0\.0\.1, carried in IPv6 as IPv4-mapped/],
		['http://[0:0:0:0:0:ffff:7f00:1]/', /loopback/],
		['http://[::ffff:169.254.169.254]/', /link-local/],
		['http://[::ffff:10.1.2.3]/', /private/],
		// NAT64, well-known and local-use
		['http://[64:ff9b::127.0.0.1]/', /loopback.*NAT64/],
		['http://[64:ff9b::a9fe:a9fe]/', /link-local.*169\.254\.169\.254/],
		['http://[64:ff9b::10.0.0.1]/', /private/],
		['http://[64:ff9b:1::127.0.0.1]/', /local-use NAT64/],
		['http://[64:ff9b:1:7f00:1::]/', /loopback.*local-use NAT64/],
		// 6to4
		['http://[2002:7f00:1::]/', /loopback.*6to4/],
		['http://[2002:a9fe:a9fe::1]/', /link-local/],
		['http://[2002:c0a8:101::1]/', /private/],
		// Teredo: server in bits 32-63, client inverted in the last 32 bits
		['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', /loopback.*Teredo client/],
		['http://[2001:0:7f00:1::1]/', /loopback.*Teredo server/],
		['http://[2001:0:4136:e378:8000:63bf:5601:5601]/', /link-local/],
	])('blocks %s', (url, reason) => {
		expect(blockedAddressReason(hostOf(url))).toMatch(reason);
	});

	it.each([
		'http://8.8.8.8/',
		'http://1.1.1.1/',
		'http://[2001:4860:4860::8888]/',
		'http://[2606:4700::1111]/',
		'http://[::ffff:8.8.8.8]/',
		'http://[64:ff9b::1.1.1.1]/',
		'http://[2002:101:101::1]/',
		'http://[2001:0:4136:e378:8000:63bf:fefe:fefe]/',
	])('allows %s', (url) => {
		expect(blockedAddressReason(hostOf(url))).toBeUndefined();
	});

	it('reads addresses as DNS gives them too, with a zone index or brackets', () => {
		expect(blockedAddressReason('fe80::1%eth0')).toMatch(/link-local/);
		expect(blockedAddressReason('[::1]')).toMatch(/loopback/);
		expect(blockedAddressReason('example.com')).toBe('not an IP address');
	});
});

describe('embeddedIpv4', () => {
	it('reads the client of a Teredo address inverted', () => {
		const parsed = parseAddress('2001:0:4136:e378:8000:63bf:80ff:fffe');
		const found = embeddedIpv4(parsed as Parameters<typeof embeddedIpv4>[0]).map(({ form, ipv4 }) => `${form} ${ipv4.toString()}`);
		expect(found).toEqual(['Teredo server 65.54.227.120', 'Teredo client 127.0.0.1']);
	});

	it('finds nothing in an ordinary global address', () => {
		expect(embeddedIpv4(parseAddress('2606:4700::1111') as Parameters<typeof embeddedIpv4>[0])).toEqual([]);
	});
});
