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
				name: 'As HubSpot Sends Them',
				value: 'any',
				description: 'X-HubSpot-Signature-v3 when the request carries it; otherwise v2 or v1 as X-HubSpot-Signature-Version says',
			},
			{
				name: 'V3 Only',
				value: 'v3',
				description: 'Refuse requests without X-HubSpot-Signature-v3: v2 and v1 sign no time, so a copied request could be replayed',
			},
		],
		default: 'any',
		description: 'A request that carries v3 is always judged on v3 alone',
		...forHubSpot,
	},
	{
		displayName: 'Signed URL From',
		name: 'signedUrlFrom',
		type: 'options',
		options: [
			{
				name: 'N8n Webhook URL',
				value: 'webhookUrl',
				description: 'The Webhook URL n8n shows (its WEBHOOK_URL setting) with the request’s path and query',
			},
			{
				name: 'Forwarded Headers',
				value: 'forwarded',
				description: 'X-Forwarded-Proto and X-Forwarded-Host from a proxy listed in Options › Trusted Proxies, else the Host header',
			},
		],
		default: 'webhookUrl',
		description: 'HubSpot signs the URL it called; behind a reverse proxy n8n must rebuild it to check v3 and v2 signatures',
		...forHubSpot,
	},
];
