import { HTML_SANDBOX_CSP, isHtmlSandboxDisabled } from '../../../../nodes/shared/n8n/htmlSandbox';

describe('htmlSandbox', () => {
	it('is a sandbox without allow-same-origin: a script in an answer runs as no site at all', () => {
		// The value of n8n 2.41's getHtmlSandboxCSP (n8n-core/src/html-sandbox.ts).
		expect(HTML_SANDBOX_CSP.split(' ')[0]).toBe('sandbox');
		expect(HTML_SANDBOX_CSP).toContain('allow-scripts');
		expect(HTML_SANDBOX_CSP).not.toContain('allow-same-origin');
	});

	it('is off only when n8n’s administrator says so, read as n8n reads booleans', () => {
		expect(isHtmlSandboxDisabled({})).toBe(false);
		expect(isHtmlSandboxDisabled({ N8N_INSECURE_DISABLE_WEBHOOK_IFRAME_SANDBOX: 'TRUE' })).toBe(true);
		expect(isHtmlSandboxDisabled({ N8N_INSECURE_DISABLE_WEBHOOK_IFRAME_SANDBOX: '1' })).toBe(true);
		expect(isHtmlSandboxDisabled({ N8N_INSECURE_DISABLE_WEBHOOK_IFRAME_SANDBOX: 'false' })).toBe(false);
	});
});
