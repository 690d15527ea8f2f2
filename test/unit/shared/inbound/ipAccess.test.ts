import { clientAddress, inRanges, parseAddress, parseIpList } from '../../../../nodes/shared/inbound/ipAccess';

const allowed = (address: string, list: string) => {
	const parsed = parseAddress(address);
	return parsed !== undefined && inRanges(parsed, parseIpList(list, 'IP Allowlist'));
};

describe('IP allowlist', () => {
	it('matches IPv4 CIDR ranges by prefix, not by text', () => {
		expect(allowed('10.1.2.3', '10.0.0.0/8')).toBe(true);
		expect(allowed('11.1.2.3', '10.0.0.0/8')).toBe(false);
		// n8n's Webhook node would accept this one: "1.2.3.45".includes("1.2.3.4").
		expect(allowed('1.2.3.45', '1.2.3.4')).toBe(false);
		expect(allowed('1.2.3.4', '1.2.3.4')).toBe(true);
		expect(allowed('192.168.1.200', '192.168.1.128/25, 172.16.0.0/12')).toBe(true);
		expect(allowed('192.168.1.100', '192.168.1.128/25 172.16.0.0/12')).toBe(false);
	});

	it('matches IPv6 ranges', () => {
		expect(allowed('2001:db8::1', '2001:db8::/32')).toBe(true);
		expect(allowed('2001:db9::1', '2001:db8::/32')).toBe(false);
		expect(allowed('::1', '::1')).toBe(true);
	});

	it('matches IPv4-mapped IPv6 peers as IPv4, both ways', () => {
		expect(allowed('::ffff:10.0.0.5', '10.0.0.0/24')).toBe(true);
		expect(allowed('10.0.0.5', '::ffff:10.0.0.0/120')).toBe(true);
		expect(allowed('::ffff:10.0.1.5', '10.0.0.0/24')).toBe(false);
		expect(parseAddress('::ffff:127.0.0.1')?.toString()).toBe('127.0.0.1');
	});

	it('names the field and the bad entry', () => {
		expect(() => parseIpList('10.0.0.0/8, 10.0.0.300', 'IP Allowlist')).toThrow(
			'IP Allowlist: "10.0.0.300" is not an IP address or CIDR range',
		);
		expect(() => parseIpList('10.0.0.0/33', 'Trusted Proxies')).toThrow('Trusted Proxies: "10.0.0.0/33"');
		expect(() => parseIpList('example.com', 'X')).toThrow();
		expect(parseIpList('  ', 'X')).toEqual([]);
	});

	it('refuses the old octal, hex and short IPv4 forms instead of reading them as other addresses', () => {
		// ipaddr.js would read 192.168.001.010 as 192.168.1.8 (octal) and 10.1 as 10.0.0.1.
		for (const entry of ['192.168.001.010', '203.0.113.010/32', '10.1', '3232235777', '0x7f.0.0.1', '::ffff:192.168.001.010']) {
			expect(() => parseIpList(entry, 'IP Allowlist')).toThrow(`IP Allowlist: "${entry}" is not an IP address or CIDR range`);
		}
		expect(parseAddress('192.168.001.010')).toBeUndefined();
		expect(allowed('192.168.1.10', '192.168.1.10')).toBe(true);
	});
});

describe('clientAddress', () => {
	const proxies = parseIpList('10.0.0.0/8, ::1', 'Trusted Proxies');
	const client = (peer: string, forwarded?: string, trusted = proxies) => clientAddress(peer, forwarded, trusted)?.toString();

	it('is the peer when X-Forwarded-For is not trusted', () => {
		expect(client('203.0.113.9', '1.1.1.1', [])).toBe('203.0.113.9');
		expect(client('203.0.113.9', '1.1.1.1')).toBe('203.0.113.9');
	});

	it('walks X-Forwarded-For from the right past trusted proxies', () => {
		expect(client('10.0.0.1', '198.51.100.7')).toBe('198.51.100.7');
		expect(client('10.0.0.1', '6.6.6.6, 198.51.100.7, 10.0.0.2')).toBe('198.51.100.7');
		// A client cannot forge its way in by prepending an allowed address.
		expect(client('10.0.0.1', '192.0.2.1, 203.0.113.50')).toBe('203.0.113.50');
		expect(client('::ffff:10.0.0.1', '[2001:db8::5]:443')).toBe('2001:db8::5');
		expect(client('10.0.0.1', '198.51.100.7:5555')).toBe('198.51.100.7');
	});

	it('takes the leftmost address when every hop is a trusted proxy', () => {
		expect(client('10.0.0.1', '10.0.0.3, 10.0.0.2')).toBe('10.0.0.3');
	});

	it('makes the client unknown when a hop is malformed', () => {
		expect(client('10.0.0.1', 'garbage, 10.0.0.2')).toBeUndefined();
		expect(client('not-an-ip')).toBeUndefined();
	});
});
