import dns from 'node:dns';

import { addressRefusal, guardedLookup, hostVerdict, resolveChecked } from '../../../../../nodes/shared/outbound/transport/guard';
import { n8nSsrfPolicy } from '../../../../../nodes/shared/outbound/transport/n8nSsrf';

const nodeOnly = {};
const withN8n = (variables: Record<string, string> = {}) => ({
	ssrf: n8nSsrfPolicy({ N8N_SSRF_PROTECTION_ENABLED: 'true', ...variables }),
});

describe('addressRefusal', () => {
	it('refuses what is not public, and what n8n’s blocked ranges list', () => {
		expect(addressRefusal(nodeOnly, '127.0.0.1')).toMatch(/loopback/);
		expect(addressRefusal(nodeOnly, '8.8.8.8')).toBeUndefined();
		expect(addressRefusal(withN8n({ N8N_SSRF_BLOCKED_IP_RANGES: 'default,8.8.8.0/24' }), '8.8.8.8')).toMatch(/N8N_SSRF_BLOCKED_IP_RANGES/);
	});

	it('lets n8n’s allowed ranges through, even a loopback address', () => {
		expect(addressRefusal(withN8n({ N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8' }), '127.0.0.1')).toBeUndefined();
	});
});

describe('hostVerdict', () => {
	it('judges IP literals at once and leaves names to be resolved', () => {
		expect(hostVerdict(nodeOnly, '[::127.0.0.1]')).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS' });
		expect(hostVerdict(nodeOnly, '8.8.8.8')).toBe('skip');
		expect(hostVerdict(nodeOnly, 'example.com')).toBe('resolve');
	});

	it('skips names n8n allows, refuses names n8n blocks, and says why it cannot be switched off', () => {
		const guard = withN8n({ N8N_SSRF_ALLOWED_HOSTNAMES: '*.internal.example', N8N_SSRF_BLOCKED_HOSTNAMES: 'metadata.google.internal' });
		expect(hostVerdict(guard, 'hooks.internal.example')).toBe('skip');
		expect(hostVerdict(guard, 'metadata.google.internal')).toMatchObject({
			code: 'ERR_BLOCKED_ADDRESS',
			message: expect.stringMatching(/N8N_SSRF_BLOCKED_HOSTNAMES.*cannot be switched off in the node.*N8N_SSRF_ALLOWED_HOSTNAMES/),
		});
	});
});

describe('guardedLookup', () => {
	const lookup = (guard: Parameters<typeof guardedLookup>[0], host: string) =>
		new Promise<{ error: NodeJS.ErrnoException | null; addresses: unknown }>((resolve) =>
			guardedLookup(guard)(host, { all: true }, (error, addresses) => resolve({ error, addresses })),
		);

	it('checks what the lookup resolves, at connect time', async () => {
		const { error, addresses } = await lookup(nodeOnly, 'localhost');
		expect(error).toMatchObject({ code: 'ERR_BLOCKED_ADDRESS', message: expect.stringMatching(/localhost resolves to .*loopback/) });
		expect(addresses).toBe('');
	});

	describe('a name with a public and a private address (as a rebinding DNS server answers)', () => {
		const mixed = [
			{ address: '93.184.216.34', family: 4 },
			{ address: '10.0.0.5', family: 4 },
		];
		afterEach(() => jest.restoreAllMocks());

		it('refuses it at connect time, whichever address the socket would take', async () => {
			// No real DNS: the resolver answers with both addresses, as Node's autoSelectFamily may try each.
			jest
				.spyOn(dns, 'lookup')
				.mockImplementation(((_host: string, _options: unknown, callback: (...args: unknown[]) => void) =>
					callback(null, mixed)) as unknown as typeof dns.lookup);
			const { error } = await lookup(nodeOnly, 'rebind.example');
			expect(error).toMatchObject({
				code: 'ERR_BLOCKED_ADDRESS',
				message: expect.stringMatching(/rebind\.example resolves to 10\.0\.0\.5/),
			});
		});

		it('refuses it before sending, too', async () => {
			jest.spyOn(dns.promises, 'lookup').mockResolvedValue(mixed as never);
			await expect(resolveChecked(nodeOnly, 'rebind.example')).rejects.toMatchObject({
				code: 'ERR_BLOCKED_ADDRESS',
				message: expect.stringMatching(/rebind\.example resolves to 10\.0\.0\.5/),
			});
		});
	});

	it('lets a name n8n allows through without checking its addresses', async () => {
		const { error, addresses } = await lookup(withN8n({ N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost' }), 'localhost');
		expect(error).toBeNull();
		expect(addresses).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]));
	});
});
