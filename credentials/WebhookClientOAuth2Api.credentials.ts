import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { secretProperty } from './shared';

/** OAuth2 client credentials (a token from a token endpoint, sent as a bearer token), used by the Outbound Webhook node. */
export class WebhookClientOAuth2Api implements ICredentialType {
	name = 'webhookClientOAuth2Api';

	displayName = 'Webhook OAuth2 Client Credentials API';

	icon: Icon = { light: 'file:webhookCredential.svg', dark: 'file:webhookCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#webhook-oauth2-client-credentials-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://auth.example.com/oauth2/token',
			description: "The authorization server's token endpoint",
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		secretProperty('Client Secret', 'clientSecret', { required: true }),
		{
			displayName: 'Send Client Credentials In',
			name: 'sendCredentialsIn',
			type: 'options',
			options: [
				{ name: 'Body', value: 'body', description: 'client_id and client_secret in the form body' },
				{ name: 'Basic Auth Header', value: 'header', description: 'Authorization: Basic with the client ID and secret' },
			],
			default: 'body',
			description: 'How the token request proves the client; the authorization server says which it accepts',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: '',
			placeholder: 'e.g. webhooks.write',
			description: 'Optional. Space-separated scopes to ask for.',
		},
		{
			displayName: 'Audience',
			name: 'audience',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://api.example.com',
			description: 'Optional. The API the token is for, for servers that ask for it (Auth0, Okta).',
		},
	];
}
