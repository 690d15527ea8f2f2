import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { previousSecretProperty, secretProperty, testUrlProperty } from './shared';

/**
 * A static key in a header or query parameter. The Outbound Webhook node sends it; the triggers
 * require it, which is how LeadSquared's and Freshsales' custom headers authenticate a sender.
 */
export class WebhookApiKeyApi implements ICredentialType {
	name = 'webhookApiKeyApi';

	displayName = 'Webhook Key Auth API';

	icon: Icon = { light: 'file:webhookCredential.svg', dark: 'file:webhookCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#webhook-key-auth-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Send In',
			name: 'location',
			type: 'options',
			options: [
				{ name: 'Header', value: 'header' },
				{ name: 'Query Parameter', value: 'query' },
			],
			default: 'header',
			description:
				'Where the key travels. A header keeps it out of server logs; use a query parameter only if the sender cannot set headers.',
		},
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: 'X-API-Key',
			required: true,
			placeholder: 'e.g. X-API-Key',
			description: 'Header or query parameter name that carries the key',
		},
		secretProperty('API Key', 'apiKey', {
			required: true,
			description: 'The secret value. Paste the same value into the sender, e.g. as a LeadSquared custom header.',
		}),
		previousSecretProperty('API Key', 'previousApiKey'),
		testUrlProperty,
	];
}
