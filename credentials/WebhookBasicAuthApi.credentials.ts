import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { previousSecretProperty, secretProperty, testUrlProperty } from './shared';

/** Username and password: sent by the Outbound Webhook node, required by the triggers (Freshsales, Vtiger). */
export class WebhookBasicAuthApi implements ICredentialType {
	name = 'webhookBasicAuthApi';

	displayName = 'Webhook Basic Auth API';

	icon: Icon = { light: 'file:webhookCredential.svg', dark: 'file:webhookCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#webhook-basic-auth-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Username',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. crm-webhooks',
			description: 'Must not contain a colon (RFC 7617)',
		},
		secretProperty('Password', 'password', { required: true }),
		previousSecretProperty('Password', 'previousPassword'),
		testUrlProperty,
	];
}
