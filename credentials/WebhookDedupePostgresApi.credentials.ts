import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { secretProperty } from './shared';

/** A PostgreSQL database (it can be n8n's own) the triggers share to deduplicate events across n8n processes. */
export class WebhookDedupePostgresApi implements ICredentialType {
	name = 'webhookDedupePostgresApi';

	displayName = 'Webhook PostgreSQL Store API';

	icon: Icon = { light: 'file:dedupeStoreCredential.svg', dark: 'file:dedupeStoreCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#running-in-queue-mode';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost', required: true },
		{ displayName: 'Port', name: 'port', type: 'number', default: 5432, required: true },
		{ displayName: 'Database', name: 'database', type: 'string', default: 'n8n', required: true },
		{ displayName: 'User', name: 'user', type: 'string', default: 'postgres', required: true },
		secretProperty('Password', 'password'),
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require (Do Not Verify the Certificate)', value: 'require' },
				{ name: 'Verify the Certificate', value: 'verify' },
			],
			default: 'disable',
		},
		{
			displayName: 'Table',
			name: 'table',
			type: 'string',
			default: 'n8n_webhook_dedupe',
			placeholder: 'e.g. n8n_webhook_dedupe or myschema.n8n_webhook_dedupe',
			description:
				'Created on first use if missing (key, token, expires_at). Letters, digits and underscores, optionally schema.table. Expired rows are deleted in batches of 1,000.',
		},
	];
}
