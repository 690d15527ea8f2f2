import { exportNodes, startN8n, tarballFiles } from '../n8n/harness';

// The package as a user gets it: the packed tarball, installed the way n8n's community installer does.
const NODES = {
	'n8n-nodes-crm-webhooks.outboundWebhook': 'Outbound Webhook',
	// usableAsTool: n8n derives an AI-agent tool from the node.
	'n8n-nodes-crm-webhooks.outboundWebhookTool': 'Outbound Webhook Tool',
	'n8n-nodes-crm-webhooks.inboundWebhookTrigger': 'Inbound Webhook Trigger',
	'n8n-nodes-crm-webhooks.crmEventTrigger': 'CRM Event Trigger',
};
const CREDENTIALS = {
	webhookBasicAuthApi: 'Webhook Basic Auth API',
	webhookApiKeyApi: 'Webhook Key Auth API',
	webhookBearerTokenApi: 'Webhook Bearer Token API',
	webhookClientCertificateApi: 'Webhook Client Certificate API',
	webhookClientOAuth2Api: 'Webhook OAuth2 Client Credentials API',
	webhookSigningSecretApi: 'Webhook Signing Secret API',
	webhookDedupeRedisApi: 'Webhook Redis Store API',
	webhookDedupePostgresApi: 'Webhook PostgreSQL Store API',
};

describe('the installed package in real n8n', () => {
	it('n8n export:nodes lists every node of the package with its display name', async () => {
		const nodes = await exportNodes();
		const ours = Object.fromEntries(
			nodes.filter((node) => node.name.startsWith('n8n-nodes-crm-webhooks.')).map((node) => [node.name, node.displayName]),
		);
		expect(ours).toEqual(NODES);
		const referenced = new Set(nodes.filter((node) => node.name in NODES).flatMap((node) => (node.credentials ?? []).map((c) => c.name)));
		expect([...referenced].sort()).toEqual(Object.keys(CREDENTIALS).sort());
	});

	it('the running n8n serves every credential type of the package to the editor', async () => {
		const n8n = await startN8n();
		try {
			const response = await n8n.fetchAsOwner('/types/credentials.json');
			const types = (await response.json()) as Array<{ name: string; displayName: string }>;
			const ours = Object.fromEntries(types.filter((type) => type.name in CREDENTIALS).map((type) => [type.name, type.displayName]));
			expect(ours).toEqual(CREDENTIALS);
		} finally {
			await n8n.stop();
		}
	});

	it('the tarball holds dist, the README, the LICENSE, package.json and the example workflows only', () => {
		const files = tarballFiles().map((file) => file.replace(/^package\//, ''));
		const example = (file: string) => /^examples\/[\w-]+\.json$/.test(file) && file !== 'examples/credentials.json';
		const outside = files.filter(
			(file) => !file.startsWith('dist/') && !example(file) && !['README.md', 'LICENSE', 'package.json'].includes(file),
		);
		expect(outside).toEqual([]);
		// The Respond to Webhook notice sends users to this one; the demo credentials stay out.
		expect(files).toContain('examples/stand-in-receivers.json');
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
		expect(files.some((file) => file.endsWith('.test.js') || file.includes('/test/'))).toBe(false);
	});
});
