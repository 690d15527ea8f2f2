import { blockedAddressReason } from '../../../../nodes/shared/outbound/transport/addresses';
import { toTransportError } from '../../../../nodes/shared/outbound/transport/errors';
import { bypassesProxy, proxyEnvironment, proxyFor } from '../../../../nodes/shared/outbound/transport/proxy';

describe('blockedAddressReason', () => {
	it.each([
		['127.0.0.1', /loopback/],
		['127.8.8.8', /loopback/],
		['10.0.0.1', /private/],
		['172.16.5.4', /private/],
		['192.168.1.1', /private/],
		['169.254.169.254', /link-local.*metadata/],
		['100.64.0.1', /carrier-grade/],
		['0.0.0.0', /unspecified/],
		['::1', /loopback/],
		['[::1]', /loopback/],
		['fd00:ec2::254', /ULA/],
		['fe80::1%eth0', /link-local/],
		['::ffff:127.0.0.1', /loopback/],
		['::ffff:169.254.169.254', /link-local/],
		['::', /unspecified/],
		['64:ff9b::7f00:1', /reserved/],
		['224.0.0.1', /multicast/],
		['255.255.255.255', /broadcast/],
	])('blocks %s', (address, reason) => {
		expect(blockedAddressReason(address)).toMatch(reason);
	});

	it.each(['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('allows %s', (address) => {
		expect(blockedAddressReason(address)).toBeUndefined();
	});
});

describe('proxy settings', () => {
	const env = { HTTP_PROXY: 'http://proxy:3128', https_proxy: 'http://user:pw@sproxy:8080', NO_PROXY: 'internal.corp,.local, 10.0.0.1, api.example.com:8443' };

	it('picks the proxy by scheme, either case', () => {
		expect(proxyFor(new URL('http://example.com'), env)?.href).toBe('http://proxy:3128/');
		expect(proxyFor(new URL('https://example.com'), env)?.host).toBe('sproxy:8080');
		expect(proxyFor(new URL('https://example.com'), { HTTPS_PROXY: 'sproxy:9' })?.href).toBe('http://sproxy:9/');
		expect(proxyFor(new URL('https://example.com'), {})).toBeUndefined();
	});

	it('takes a snapshot of only the proxy variables, either case', () => {
		expect(proxyEnvironment({ HTTPS_PROXY: 'a', no_proxy: 'b', PATH: '/bin' })).toEqual({ https_proxy: 'a', no_proxy: 'b' });
		expect(proxyFor(new URL('https://x'), proxyEnvironment(env))?.host).toBe('sproxy:8080');
	});

	it('honours NO_PROXY hosts, suffixes, IPs, ports and *', () => {
		const bypass = (url: string, list = env.NO_PROXY) => bypassesProxy(new URL(url), list);
		expect(bypass('https://internal.corp/x')).toBe(true);
		expect(bypass('https://a.internal.corp/x')).toBe(true);
		expect(bypass('https://notinternal.corp/x')).toBe(false);
		expect(bypass('http://printer.local/')).toBe(true);
		expect(bypass('http://10.0.0.1:8080/')).toBe(true);
		expect(bypass('https://api.example.com:8443/')).toBe(true);
		expect(bypass('https://api.example.com/')).toBe(false);
		expect(bypass('https://anything/', '*')).toBe(true);
		expect(proxyFor(new URL('https://a.internal.corp'), env)).toBeUndefined();
	});
});

describe('toTransportError', () => {
	it('keeps errno codes and marks what may be retried', () => {
		expect(toTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toMatchObject({ code: 'ECONNRESET', retryable: true });
		expect(toTransportError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toMatchObject({ code: 'ENOTFOUND', retryable: false });
		expect(toTransportError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toMatchObject({ code: 'ERR_TLS_CERT_HAS_EXPIRED', retryable: false });
	});
});
