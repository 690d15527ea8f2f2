/**
 * Parameters both triggers show the same way (network, size, replay and dedupe settings), defined
 * once so the Inbound Webhook Trigger and the CRM Event Trigger read and explain them alike.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MAX_REMEMBERED_EVENTS } from '../inbound/policy';

export const ipAllowlistProperty: INodeProperties = {
	displayName: 'IP Allowlist',
	name: 'ipAllowlist',
	type: 'string',
	default: '',
	placeholder: 'e.g. 203.0.113.0/24, 2001:db8::/32',
	description:
		'Addresses or CIDR ranges allowed to call the webhook, separated by commas. Leave empty to allow all. Others are answered 403.',
	hint: 'Behind a reverse proxy, also fill in Trusted Proxies, or every request seems to come from the proxy',
};

export const trustedProxiesProperty: INodeProperties = {
	displayName: 'Trusted Proxies',
	name: 'trustedProxies',
	type: 'string',
	default: '',
	placeholder: 'e.g. 10.0.0.0/8',
	description:
		'Reverse proxies in front of n8n, as addresses or CIDR ranges. Only requests from them have their X-Forwarded-For read to find the client address.',
};

export const maxBodySizeProperty: INodeProperties = {
	displayName: 'Max Body Size (KB)',
	name: 'maxBodySizeKb',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 16384 },
	default: 1024,
	description: 'Larger bodies are answered 413; for gzip or deflate bodies, the size after decoding counts',
};

export const maxXmlElementsProperty: INodeProperties = {
	displayName: 'Max XML Elements',
	name: 'maxXmlElements',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 1000000 },
	default: 100000,
	description:
		'XML bodies with more elements than this, or more attributes or text nodes, are answered 413. Parsing 100,000 of them costs n8n up to about 0.1 s.',
};

export const maxRememberedEventsProperty: INodeProperties = {
	displayName: 'Max Remembered Events',
	name: 'dedupeMaxEntries',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_REMEMBERED_EVENTS },
	default: 10000,
	description: 'With deduplication, the oldest event IDs are forgotten beyond this number',
};

export const replayWindowProperty: INodeProperties = {
	displayName: 'Replay Window (Seconds)',
	name: 'replayWindowSeconds',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 300,
	description:
		'For signatures that sign a timestamp (HighLevel, Standard Webhooks, Stripe, Slack, timestamp.body HMAC, a template’s Timestamp Header): older (or further in the future) requests are answered 401. 0 turns the check off.',
};

/** Remember Events For's bounds, in hours: 36 s to 10 years (a longer window overflows PostgreSQL's timestamps). */
const REMEMBER_HOURS = { min: 0.01, max: 87_600 };

/**
 * Remember Events For in seconds, within its bounds whatever an expression or an imported workflow says. An
 * expression gives text ("48"), which n8n does not turn into a number; what is no number at all means `fallbackHours`.
 */
export function rememberedSeconds(hours: unknown, fallbackHours: number): number {
	const read = typeof hours === 'string' && hours.trim() !== '' ? Number(hours) : hours;
	const value = typeof read === 'number' && Number.isFinite(read) ? read : fallbackHours;
	return Math.round(Math.min(Math.max(value, REMEMBER_HOURS.min), REMEMBER_HOURS.max) * 3600);
}

/** How long event IDs are remembered; the default differs per trigger, so it is a parameter. */
export const rememberEventsProperty = (hours: number, hint: string): INodeProperties => ({
	displayName: 'Remember Events For (Hours)',
	name: 'dedupeWindowHours',
	type: 'number',
	typeOptions: { minValue: REMEMBER_HOURS.min, maxValue: REMEMBER_HOURS.max, numberPrecision: 2 },
	default: hours,
	description: hint,
});

export const duplicateResponseProperty: INodeProperties = {
	displayName: 'Answer Duplicates With',
	name: 'duplicateResponse',
	type: 'options',
	options: [
		{
			name: '200 and a Duplicate Flag',
			value: 'acknowledge',
			description: '{"received":true,"duplicate":true} (LeadSquared: its success body): the sender stops retrying',
		},
		{ name: '409 Conflict', value: 'reject', description: 'Tell the sender the event was refused' },
	],
	default: 'acknowledge',
};

/** The triggers' authentication choices; the CRM Event Trigger offers the subset its profile supports. */
export const TRIGGER_AUTHENTICATION_OPTIONS = {
	basicAuth: { name: 'Basic Auth', value: 'basicAuth', description: 'Username and password' },
	bearerToken: { name: 'Bearer Token', value: 'bearerToken', description: 'Authorization: Bearer &lt;token&gt;' },
	apiKey: { name: 'API Key', value: 'apiKey', description: 'A secret in a header (or query parameter) you name' },
	none: { name: 'None', value: 'none', description: 'Anyone who knows the URL can start the workflow; not recommended' },
	signingSecret: {
		name: 'Signature (HMAC / Standard Webhooks)',
		value: 'signingSecret',
		description: 'An HMAC over the raw body, a Standard Webhooks or a Stripe-style timestamped signature',
	},
} satisfies Record<string, INodePropertyOptions>;

export const handshakeFieldProperty: INodeProperties = {
	displayName: 'Challenge Field',
	name: 'handshakeField',
	type: 'string',
	default: 'challenge',
	placeholder: 'e.g. hub.challenge',
	description: 'The query parameter, or a top-level body field or JSONPath such as $.data.token',
};

export const handshakeAnswerProperty = (displayName: string): INodeProperties => ({
	displayName,
	name: 'handshakeResponse',
	type: 'options',
	options: [
		{ name: 'Text', value: 'text', description: 'The token alone, as text/plain' },
		{ name: 'JSON', value: 'json', description: 'The token under the field name, as JSON' },
	],
	default: 'text',
});

/** Where event ids are kept; a top-level parameter because the store credentials' display options read it. */
export const dedupeStoreProperty: INodeProperties = {
	displayName: 'Dedupe Store',
	name: 'dedupeStore',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Workflow Static Data (Single Process)',
			value: 'staticData',
			description: 'No setup. Exactly once for a single n8n process; not for queue mode.',
		},
		{
			name: 'Redis (Shared)',
			value: 'redis',
			description: 'One atomic SET NX per event ID: exactly once across every n8n process that uses it',
		},
		{
			name: 'PostgreSQL (Shared)',
			value: 'postgres',
			description: 'One atomic INSERT … ON CONFLICT per event ID; can be n8n’s own database',
		},
	],
	default: 'staticData',
	description:
		'Where received event IDs are kept. When a shared store cannot answer within 2 seconds, requests are answered 503 with Retry-After and start nothing.',
	hint: 'Running n8n in queue mode (several webhook processes)? Choose Redis or PostgreSQL: with static data each process remembers only its own events.',
};
