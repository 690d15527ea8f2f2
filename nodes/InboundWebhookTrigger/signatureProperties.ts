import type { INodeProperties } from 'n8n-workflow';

import { HMAC_ALGORITHM_OPTIONS, SIGNATURE_ENCODING_OPTIONS } from '../shared/signatures/defaults';

/** Shown for a signing secret; the template's own fields only for a custom template. */
const forSignature = (preset?: string[]) => ({
	displayOptions: { show: { authentication: ['signingSecret'], ...(preset ? { signaturePreset: preset } : {}) } },
});
const forCustom = forSignature(['custom']);

const PRESET_OPTIONS = [
	{ name: 'Credential Scheme', value: 'credential', description: 'The scheme set in the Webhook Signing Secret credential' },
	{ name: 'Custom Template', value: 'custom', description: 'Describe the signed content, key, digest and header yourself' },
	{ name: 'GitHub', value: 'github', description: 'X-Hub-Signature-256: sha256= and the hex HMAC-SHA256 of the body' },
	{ name: 'Shopify', value: 'shopify', description: 'X-Shopify-Hmac-Sha256: the base64 HMAC-SHA256 of the body' },
	{ name: 'Slack', value: 'slack', description: 'X-Slack-Signature: v0= and the hex HMAC-SHA256 of v0:timestamp:body' },
	{ name: 'Stripe', value: 'stripe', description: 'Stripe-Signature: t=…,v1=…, HMAC-SHA256 of timestamp.body' },
	{ name: 'Twilio', value: 'twilio', description: 'X-Twilio-Signature: the base64 HMAC-SHA1 of the URL and the sorted form parameters' },
];

const PART_OPTIONS = [
	{ name: 'Fixed Text', value: 'text', description: 'Text the sender always puts there, e.g. v0 (Slack)' },
	{ name: 'Full URL', value: 'url', description: 'The webhook URL the sender called, query included' },
	{ name: 'Header Value', value: 'header', description: 'The value of a header you name' },
	{ name: 'HTTP Method', value: 'method', description: 'The request method in capitals, e.g. POST' },
	{ name: 'Raw Body', value: 'body', description: 'The exact body bytes' },
	{ name: 'Sorted Form Parameters', value: 'formParams', description: 'Each name and value, sorted by name, as Twilio signs them' },
	{ name: 'Timestamp Header', value: 'timestamp', description: 'A unix timestamp header, checked against Options › Replay Window' },
];

export const signatureProperties: INodeProperties[] = [
	{
		displayName: 'Signature Preset',
		name: 'signaturePreset',
		type: 'options',
		noDataExpression: true,
		options: PRESET_OPTIONS,
		default: 'credential',
		description: 'How the sender signs its requests',
		...forSignature(),
	},
	{
		displayName:
			'Only the credential’s Secret and Previous Secrets are used; its Scheme settings are ignored. Signed timestamps must be within Options › Replay Window (300 s by default).',
		name: 'presetNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['signingSecret'] }, hide: { signaturePreset: ['credential'] } },
	},
	{
		displayName:
			'Twilio signs the URL it called. Behind a reverse proxy, set n8n’s WEBHOOK_URL to the public address, or every request is refused. JSON bodies are checked through the bodySHA256 query parameter Twilio adds.',
		name: 'twilioUrlNotice',
		type: 'notice',
		default: '',
		...forSignature(['twilio']),
	},
	{
		displayName: 'Signature Header',
		name: 'templateHeader',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. X-Signature',
		description: 'The header that carries the signature',
		...forCustom,
	},
	{
		displayName: 'Signed Parts',
		name: 'templateParts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Part',
		default: { part: [{ type: 'body' }] },
		description: 'What the sender signs, in its order, joined by the separator',
		hint: 'A Full URL is n8n’s webhook URL: behind a reverse proxy, set WEBHOOK_URL to the public address',
		...forCustom,
		options: [
			{
				displayName: 'Part',
				name: 'part',
				values: [
					{ displayName: 'Type', name: 'type', type: 'options', options: PART_OPTIONS, default: 'body' },
					{
						displayName: 'Header Name',
						name: 'headerName',
						type: 'string',
						default: '',
						placeholder: 'e.g. X-Request-Timestamp',
						displayOptions: { show: { type: ['header', 'timestamp'] } },
					},
					{
						displayName: 'Text',
						name: 'text',
						type: 'string',
						default: '',
						placeholder: 'e.g. v0',
						displayOptions: { show: { type: ['text'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Separator',
		name: 'templateSeparator',
		type: 'string',
		default: '',
		placeholder: 'e.g. . or : (empty: none)',
		description: 'The text between the parts; leave empty when the sender joins them directly',
		...forCustom,
	},
	{
		displayName: 'Key Encoding',
		name: 'templateKeyEncoding',
		type: 'options',
		options: [
			{ name: 'Base64', value: 'base64', description: 'The secret is base64; its decoded bytes are the key' },
			{ name: 'Hex', value: 'hex', description: 'The secret is hex; its decoded bytes are the key' },
			{ name: 'Standard Webhooks Secret', value: 'whsec', description: 'Standard Webhooks and Svix (whsec_…): the base64 after whsec_' },
			{ name: 'Text (UTF-8)', value: 'utf8', description: 'The secret as typed' },
		],
		default: 'utf8',
		description: 'How the credential’s secret becomes the HMAC key',
		...forCustom,
	},
	{
		displayName: 'Algorithm',
		name: 'templateAlgorithm',
		type: 'options',
		options: HMAC_ALGORITHM_OPTIONS,
		default: 'sha256',
		...forCustom,
	},
	{
		displayName: 'Digest Encoding',
		name: 'templateEncoding',
		type: 'options',
		options: SIGNATURE_ENCODING_OPTIONS,
		default: 'hex',
		...forCustom,
	},
	{
		displayName: 'Signature Prefix',
		name: 'templatePrefix',
		type: 'string',
		default: '',
		placeholder: 'e.g. sha256=',
		description: 'Text in front of the digest in the header, e.g. sha256= (GitHub) or v0= (Slack)',
		...forCustom,
	},
];
