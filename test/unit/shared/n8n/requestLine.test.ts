import type { IWebhookFunctions } from 'n8n-workflow';

import { parseIpList } from '../../../../nodes/shared/inbound/ipAccess';
import { requestLineOf } from '../../../../nodes/shared/n8n/requestLine';

/** The part of a webhook context requestLineOf reads: n8n's request and its Webhook URL. */
const contextOf = (peer: string, headers: Record<string, string>, webhookUrl = 'https://crm.example.com/webhook/crm-hubspot') =>
	({
		getRequestObject: () => ({
			method: 'post',
			originalUrl: '/webhook/crm-hubspot?a=1',
			url: '/crm-hubspot?a=1',
			headers: { host: '127.0.0.1:5678', ...headers },
			socket: { remoteAddress: peer },
		}),
		getNodeWebhookUrl: () => webhookUrl,
	}) as unknown as IWebhookFunctions;

const proxies = parseIpList('10.0.0.0/8', 'Trusted Proxies');
const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'crm.example.com' };

describe('requestLineOf', () => {
	it('rebuilds the URL from n8n’s Webhook URL and the original request target', () => {
		expect(requestLineOf(contextOf('127.0.0.1', {}), 'webhookUrl', [])).toEqual({
			method: 'POST',
			url: 'https://crm.example.com/webhook/crm-hubspot?a=1',
		});
	});

	it('believes X-Forwarded-Proto and X-Forwarded-Host only from a trusted proxy, and never the Host header of anyone else', () => {
		expect(requestLineOf(contextOf('10.1.2.3', forwarded), 'forwarded', proxies).url).toBe(
			'https://crm.example.com/webhook/crm-hubspot?a=1',
		);
		// Anyone else could name any host, in X-Forwarded-Host or Host: n8n's Webhook URL decides instead.
		const untrusted = contextOf(
			'203.0.113.9',
			{ ...forwarded, host: 'staging.example.com' },
			'https://n8n.example.org/webhook/crm-hubspot',
		);
		expect(requestLineOf(untrusted, 'forwarded', proxies).url).toBe('https://n8n.example.org/webhook/crm-hubspot?a=1');
		expect(requestLineOf(contextOf('::ffff:10.0.0.7', forwarded), 'forwarded', proxies).url).toBe(
			'https://crm.example.com/webhook/crm-hubspot?a=1',
		);
	});
});
