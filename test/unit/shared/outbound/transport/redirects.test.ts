import type { Hop } from '../../../../../nodes/shared/outbound/transport/redirects';
import { redirectHop } from '../../../../../nodes/shared/outbound/transport/redirects';

const first: Hop = {
	url: new URL('https://receiver.example/hook'),
	method: 'POST',
	headers: {
		'User-Agent': 'n8n-nodes-crm-webhooks',
		Accept: 'application/json',
		'Content-Type': 'application/json',
		Authorization: 'Bearer secret',
		'X-Api-Token': 'custom-secret',
		'X-Webhook-Signature': 'sha256=abc',
		'webhook-id': 'msg_1',
		'webhook-signature': 'v1,xyz',
		'webhook-timestamp': '1700000000',
		'Idempotency-Key': 'k-1',
		Cookie: 'a=b',
	},
	body: Buffer.from('{}'),
};

describe('redirectHop', () => {
	it('keeps every header on the same origin', () => {
		expect(redirectHop(first, 307, '/moved').headers).toEqual(first.headers);
	});

	it.each([
		['another host', 'https://elsewhere.example/hook'],
		['another port', 'https://receiver.example:8443/hook'],
		['another scheme', 'http://receiver.example/hook'],
		['a subdomain', 'https://api.receiver.example/hook'],
	])('sends no custom, signature or credential header to %s', (_what, location) => {
		const next = redirectHop(first, 307, location);
		expect(next.headers).toEqual({
			'User-Agent': 'n8n-nodes-crm-webhooks',
			Accept: 'application/json',
			'Content-Type': 'application/json',
		});
		expect(next.body).toBe(first.body);
	});

	it('switches to GET without a body after 303, and after 301/302 for a POST', () => {
		for (const status of [301, 302, 303]) {
			const next = redirectHop(first, status, 'https://elsewhere.example/x');
			expect(next).toMatchObject({ method: 'GET', body: undefined });
			expect(next.headers).toEqual({ 'User-Agent': 'n8n-nodes-crm-webhooks', Accept: 'application/json' });
		}
		expect(redirectHop({ ...first, method: 'PUT' }, 302, '/x').method).toBe('PUT');
	});

	it('refuses schemes other than http and https, and a Location that is no URL', () => {
		expect(() => redirectHop(first, 302, 'file:///etc/passwd')).toThrow(expect.objectContaining({ code: 'ERR_BAD_REDIRECT' }));
		expect(() => redirectHop(first, 302, 'http://[::1')).toThrow(expect.objectContaining({ code: 'ERR_BAD_REDIRECT' }));
	});
});
