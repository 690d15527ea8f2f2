import { publicRequestUrl } from '../../../../nodes/shared/http/publicUrl';

describe('publicRequestUrl: the URL the sender used, rebuilt behind a reverse proxy', () => {
	const received = { target: '/webhook/crm-hubspot?portal=33&name=a%3Ab', host: '127.0.0.1:5678' };

	it('takes scheme, host and prefix from n8n’s Webhook URL and the path and query from the request, encoding untouched', () => {
		expect(publicRequestUrl({ ...received, webhookUrl: 'https://crm.example.com/webhook/crm-hubspot' }, 'webhookUrl')).toBe(
			'https://crm.example.com/webhook/crm-hubspot?portal=33&name=a%3Ab',
		);
	});

	it('keeps a prefix the proxy strips, and the test endpoint a test request arrives at', () => {
		const webhookUrl = 'https://crm.example.com/n8n/webhook/crm-hubspot';
		expect(publicRequestUrl({ ...received, webhookUrl }, 'webhookUrl')).toBe(
			'https://crm.example.com/n8n/webhook/crm-hubspot?portal=33&name=a%3Ab',
		);
		expect(publicRequestUrl({ target: '/webhook-test/crm-hubspot', webhookUrl }, 'webhookUrl')).toBe(
			'https://crm.example.com/n8n/webhook-test/crm-hubspot',
		);
		expect(
			publicRequestUrl({ target: '/webhook/deep/crm/path', webhookUrl: 'https://h.example/x/webhook/deep/crm/path' }, 'webhookUrl'),
		).toBe('https://h.example/x/webhook/deep/crm/path');
	});

	it('falls back to the Webhook URL’s origin when the node path does not end it, and gives up without one', () => {
		expect(
			publicRequestUrl({ target: '/webhook/other', webhookUrl: 'https://crm.example.com/n8n/webhook/crm-hubspot' }, 'webhookUrl'),
		).toBe('https://crm.example.com/webhook/other');
		expect(publicRequestUrl(received, 'webhookUrl')).toBeUndefined();
		expect(publicRequestUrl({ ...received, webhookUrl: 'not a url' }, 'webhookUrl')).toBeUndefined();
		expect(
			publicRequestUrl({ target: 'http://evil.example/x', webhookUrl: 'https://crm.example.com/webhook/x' }, 'webhookUrl'),
		).toBeUndefined();
	});

	it('reads the first X-Forwarded-Proto and X-Forwarded-Host a proxy chain appended, as Express does', () => {
		expect(
			publicRequestUrl({ ...received, forwardedProto: 'HTTPS, http', forwardedHost: 'crm.example.com, 10.0.0.2:8080' }, 'forwarded'),
		).toBe('https://crm.example.com/webhook/crm-hubspot?portal=33&name=a%3Ab');
	});

	it('uses the Host header and the connection’s own scheme without forwarded headers', () => {
		expect(publicRequestUrl(received, 'forwarded')).toBe('http://127.0.0.1:5678/webhook/crm-hubspot?portal=33&name=a%3Ab');
		expect(publicRequestUrl({ ...received, host: '[::1]:5678', encrypted: true }, 'forwarded')).toBe(
			'https://[::1]:5678/webhook/crm-hubspot?portal=33&name=a%3Ab',
		);
	});

	it('refuses a scheme or host that could not be in a URL rather than sign something odd', () => {
		expect(publicRequestUrl({ ...received, forwardedProto: 'javascript' }, 'forwarded')).toBeUndefined();
		expect(publicRequestUrl({ ...received, forwardedHost: 'crm.example.com/evil?' }, 'forwarded')).toBeUndefined();
		expect(publicRequestUrl({ ...received, host: undefined }, 'forwarded')).toBeUndefined();
	});
});
