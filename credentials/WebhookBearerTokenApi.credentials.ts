import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { testUrlProperty } from './shared';

/** `Authorization: Bearer <token>`, as the HighLevel-style platform's outbound webhooks send it. */
export class WebhookBearerTokenApi implements ICredentialType {
	name = 'webhookBearerTokenApi';

	displayName = 'Webhook Bearer Token API';

	icon: Icon = { light: 'file:webhookCredential.svg', dark: 'file:webhookCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#webhook-bearer-token-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Sent as Authorization: Bearer &lt;token&gt;; the triggers accept only this token (or the previous one)',
		},
		{
			displayName: 'Previous Token',
			name: 'previousToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Still accepted by the triggers while a sender switches to the new token, so it can be rotated without downtime. Leave empty otherwise.',
		},
		testUrlProperty,
	];
}
