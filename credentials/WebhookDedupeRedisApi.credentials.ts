import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { secretProperty } from './shared';

/** A Redis server the triggers share to deduplicate events across n8n processes (queue mode). */
export class WebhookDedupeRedisApi implements ICredentialType {
	name = 'webhookDedupeRedisApi';

	displayName = 'Webhook Redis Store API';

	icon: Icon = { light: 'file:dedupeStoreCredential.svg', dark: 'file:dedupeStoreCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#running-in-queue-mode';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost', required: true },
		{ displayName: 'Port', name: 'port', type: 'number', default: 6379, required: true },
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			description: 'For a Redis 6+ ACL user; leave empty for the default user',
		},
		secretProperty('Password', 'password'),
		{
			displayName: 'Database Index',
			name: 'database',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
		},
		{ displayName: 'TLS', name: 'tls', type: 'boolean', default: false, description: 'Whether to connect with TLS' },
		{
			displayName: 'Key Prefix',
			name: 'keyPrefix',
			type: 'string',
			default: 'n8n-webhook-dedupe:',
			description:
				'Put before every key this package writes (one key per event ID, expiring after the node’s window). Letters, digits and _ . : - / only.',
		},
	];
}
