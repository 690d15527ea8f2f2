import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { hostnameMatcher, n8nSsrfPolicy } from '../../../../../nodes/shared/outbound/transport/n8nSsrf';

const on = { N8N_SSRF_PROTECTION_ENABLED: 'true' };

describe('n8nSsrfPolicy', () => {
	it('is off unless N8N_SSRF_PROTECTION_ENABLED is true or 1, as n8n reads it', () => {
		expect(n8nSsrfPolicy({})).toBeUndefined();
		expect(n8nSsrfPolicy({ N8N_SSRF_PROTECTION_ENABLED: 'false' })).toBeUndefined();
		expect(n8nSsrfPolicy({ N8N_SSRF_PROTECTION_ENABLED: 'yes' })).toBeUndefined();
		expect(n8nSsrfPolicy({ N8N_SSRF_PROTECTION_ENABLED: 'TRUE' })).toBeDefined();
		expect(n8nSsrfPolicy({ N8N_SSRF_PROTECTION_ENABLED: '1' })).toBeDefined();
	});

	it('blocks n8n’s default ranges, also inside IPv6 forms that carry an IPv4 address', () => {
		const policy = n8nSsrfPolicy(on);
		for (const address of [
			'10.1.2.3',
			'127.0.0.1',
			'::1',
			'169.254.169.254',
			'fd00::1',
			'198.18.0.1',
			'::ffff:127.0.0.1',
			'64:ff9b::a9fe:a9fe',
		]) {
			expect([address, policy?.blocksAddress(address)]).toEqual([address, true]);
		}
		expect(policy?.blocksAddress('8.8.8.8')).toBe(false);
	});

	it('replaces the default list, or extends it with the word default, ignoring invalid entries and quotes', () => {
		const only = n8nSsrfPolicy({ ...on, N8N_SSRF_BLOCKED_IP_RANGES: '"8.8.8.0/24, not-a-range, 1.1.1.1"' });
		expect(only?.blocksAddress('8.8.8.8')).toBe(true);
		expect(only?.blocksAddress('1.1.1.1')).toBe(false);
		expect(only?.blocksAddress('127.0.0.1')).toBe(false);
		const more = n8nSsrfPolicy({ ...on, N8N_SSRF_BLOCKED_IP_RANGES: 'default,8.8.8.0/24' });
		expect(more?.blocksAddress('8.8.8.8')).toBe(true);
		expect(more?.blocksAddress('127.0.0.1')).toBe(true);
	});

	it('reads allowed ranges and host names, and the _FILE form of a variable', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssrf-'));
		const file = path.join(dir, 'hosts');
		fs.writeFileSync(file, 'hooks.internal, *.corp.example\n');
		try {
			const policy = n8nSsrfPolicy({
				...on,
				N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32,::1/128',
				N8N_SSRF_ALLOWED_HOSTNAMES_FILE: file,
				N8N_SSRF_BLOCKED_HOSTNAMES: 'evil.example',
			});
			expect(policy?.allowsAddress('127.0.0.1')).toBe(true);
			expect(policy?.allowsAddress('[::1]')).toBe(true);
			expect(policy?.allowsAddress('127.0.0.2')).toBe(false);
			expect(policy?.allowsHostname('hooks.internal')).toBe(true);
			expect(policy?.allowsHostname('a.corp.example')).toBe(true);
			expect(policy?.blocksHostname('EVIL.example.')).toBe(true);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('hostnameMatcher, as n8n matches N8N_SSRF_ALLOWED_HOSTNAMES', () => {
	const matches = hostnameMatcher(['api.example.com', '*.hooks.example', ' Upper.Example. ']);

	it.each([
		['api.example.com', true],
		['API.EXAMPLE.COM.', true],
		['x.api.example.com', false],
		['a.hooks.example', true],
		['a.b.hooks.example', true],
		['hooks.example', false],
		['evilhooks.example', false],
		['upper.example', true],
	])('%s → %s', (hostname, expected) => {
		expect(matches(hostname)).toBe(expected);
	});
});
