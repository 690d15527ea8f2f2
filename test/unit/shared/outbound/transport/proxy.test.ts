import { proxyEnvironment, proxyFor } from '../../../../../nodes/shared/outbound/transport/proxy';

describe('proxyFor', () => {
	const env = {
		HTTP_PROXY: 'http://proxy:3128',
		https_proxy: 'https://user:pw@sproxy:8443',
		NO_PROXY: 'internal.corp,.local, 10.0.0.1, api.example.com:8443',
	};
	const proxy = (url: string, variables: Record<string, string> = env) => proxyFor(new URL(url), variables)?.href;

	it('picks the proxy by scheme, either case, and keeps an https:// proxy https', () => {
		expect(proxy('http://example.com')).toBe('http://proxy:3128/');
		expect(proxy('https://example.com')).toBe('https://user:pw@sproxy:8443/');
		expect(proxy('https://example.com', {})).toBeUndefined();
	});

	it('falls back to ALL_PROXY, and gives a proxy without a scheme the target’s scheme', () => {
		expect(proxy('https://example.com', { ALL_PROXY: 'http://all:1080' })).toBe('http://all:1080/');
		expect(proxy('http://example.com', { all_proxy: 'all:1080' })).toBe('http://all:1080/');
		expect(proxy('https://example.com', { HTTPS_PROXY: 'sproxy:9' })).toBe('https://sproxy:9/');
		expect(proxy('https://example.com', { HTTP_PROXY: 'http://proxy:3128' })).toBeUndefined();
	});

	it('honours NO_PROXY hosts, suffixes, IPs, ports and *', () => {
		expect(proxy('https://internal.corp/x')).toBeUndefined();
		expect(proxy('http://printer.local/')).toBeUndefined();
		expect(proxy('http://10.0.0.1:8080/')).toBeUndefined();
		expect(proxy('https://api.example.com:8443/')).toBeUndefined();
		expect(proxy('https://api.example.com/')).toBe('https://user:pw@sproxy:8443/');
		expect(proxy('https://a.b.test/', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*.b.test' })).toBeUndefined();
		expect(proxy('https://anything/', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
	});

	it('fails rather than skipping a proxy it cannot use, without showing its password', () => {
		expect(() => proxy('https://example.com', { HTTPS_PROXY: 'socks5://user:secret@p:1080' })).toThrow(
			expect.objectContaining({ code: 'ERR_PROXY', message: expect.not.stringContaining('secret') }),
		);
	});

	it('leaves process.env as it was', () => {
		const before = process.env;
		proxy('https://example.com');
		expect(process.env).toBe(before);
	});
});

describe('proxyEnvironment', () => {
	it('keeps only the proxy variables and n8n’s SSRF settings', () => {
		expect(
			proxyEnvironment({
				HTTPS_PROXY: 'a',
				no_proxy: 'b',
				ALL_PROXY: 'c',
				N8N_SSRF_PROTECTION_ENABLED: 'true',
				N8N_SSRF_ALLOWED_HOSTNAMES_FILE: '/f',
				PATH: '/bin',
			}),
		).toEqual({
			HTTPS_PROXY: 'a',
			no_proxy: 'b',
			ALL_PROXY: 'c',
			N8N_SSRF_PROTECTION_ENABLED: 'true',
			N8N_SSRF_ALLOWED_HOSTNAMES_FILE: '/f',
		});
		expect(proxyFor(new URL('https://x'), proxyEnvironment({ ALL_PROXY: 'http://p:1' }))?.host).toBe('p:1');
	});
});
