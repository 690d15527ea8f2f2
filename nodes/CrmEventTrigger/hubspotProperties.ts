import type { INodeProperties } from 'n8n-workflow';

/** HubSpot's settings: which signature versions count, and where the URL it signs comes from. */
const forHubSpot = { displayOptions: { show: { crm: ['hubspot'], authentication: ['signingSecret'] } } };

export const hubspotProperties: INodeProperties[] = [
	{
		displayName: 'Signature Versions',
		name: 'hubspotSignatureVersions',
		type: 'options',
		options: [
			{
				name: 'V3 Only',
				value: 'v3',
				description: 'Refuse requests without X-HubSpot-Signature-v3, which HubSpot sends on every webhook today',
			},
			{
				name: 'Also V2 and V1 (Older Apps)',
				value: 'any',
				description:
					'X-HubSpot-Signature-v3 when the request carries it; otherwise v2 or v1 as X-HubSpot-Signature-Version says. They sign no time: a copied request stays valid, and only deduplication stops it.',
			},
		],
		default: 'v3',
		description: 'A request that carries v3 is always judged on v3 alone',
		...forHubSpot,
	},
	{
		displayName: 'Signed URL From',
		name: 'signedUrlFrom',
		type: 'options',
		options: [
			{
				name: 'Webhook URL Setting',
				value: 'webhookUrl',
				description: 'The Webhook URL n8n shows (its WEBHOOK_URL setting) with the request’s path and query',
			},
			{
				name: 'Forwarded Headers',
				value: 'forwarded',
				description:
					'X-Forwarded-Proto and X-Forwarded-Host from a proxy listed in Options › Trusted Proxies; from anyone else, n8n’s Webhook URL',
			},
		],
		default: 'webhookUrl',
		description: 'HubSpot signs the URL it called; behind a reverse proxy n8n must rebuild it to check v3 and v2 signatures',
		...forHubSpot,
	},
];
