import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { previousSecretProperty, secretProperty, testUrlProperty } from './shared';

/** `Authorization: Bearer <token>`, as the HighLevel-style platform's outbound webhooks send it. */
export class WebhookBearerTokenApi implements ICredentialType {
	name = 'webhookBearerTokenApi';

	displayName = 'Webhook Bearer Token API';

	icon: Icon = { light: 'file:webhookCredential.svg', dark: 'file:webhookCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#webhook-bearer-token-api';

	properties: INodeProperties[] = [
		secretProperty('Token', 'token', {
			required: true,
			description: 'Sent as Authorization: Bearer &lt;token&gt;; the triggers accept only this token (or the previous one)',
		}),
		previousSecretProperty('Token', 'previousToken'),
		testUrlProperty,
	];
}
