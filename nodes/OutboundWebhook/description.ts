import { CREDENTIALS_SLOT } from '../shared/n8n/credentialsSlot';
import type { INodeProperties } from 'n8n-workflow';

import { HTTP_METHOD_OPTIONS } from '../shared/http/methods';
import { DEFAULT_RETRY_STATUSES } from '../shared/outbound/retry';
import { endpointProtectionProperties } from './endpointProtectionDescription';

/** A list of rows titled by their name. */
const listTypeOptions = { multipleValues: true, fixedCollection: { itemTitle: '={{ $collection.item.value.name }}' } };

const withBody = { show: { method: ['POST', 'PUT', 'PATCH', 'DELETE'] } };

// Inside a collection, display options name the collection's other options: here Retry Policy › Backoff.
const withoutSchedule = { displayOptions: { hide: { backoff: ['schedule'] } } };

const nameValue = (nameLabel: string, valueLabel: string, namePlaceholder: string): INodeProperties[] => [
	{ displayName: nameLabel, name: 'name', type: 'string', default: '', placeholder: namePlaceholder },
	{ displayName: valueLabel, name: 'value', type: 'string', default: '' },
];

const captureFields = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: listTypeOptions,
	displayOptions: { show: { captureLanguage: ['jsonPath', 'xPath'] } },
	placeholder: 'Add Value to Capture',
	default: {},
	description,
	options: [
		{
			name: 'values',
			displayName: 'Value',
			values: [
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'e.g. invoiceId',
					description: 'Key under "captured" in the output item (under delivery.captured in a Retry Later item)',
				},
				{
					displayName: 'Expression',
					name: 'expression',
					type: 'string',
					default: '',
					placeholder: 'e.g. $.invoice.number or /response/number',
					description: 'JSONPath (e.g. $.invoice.number) or XPath (e.g. /response/number, //item/@sku), as chosen in Capture Response.',
				},
				{
					displayName: 'All Matches',
					name: 'all',
					type: 'boolean',
					default: false,
					description: 'Whether to keep every match as a list instead of the first one',
				},
			],
		},
	],
});

export const properties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: HTTP_METHOD_OPTIONS,
		default: 'POST',
		description: 'HTTP method of the callback request',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/webhooks/crm',
		description: 'The callback URL; must start with https:// or http://',
		hint: 'Query parameters and API keys sent in the query are added from the settings below',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'API Key', value: 'apiKey', description: 'A key in a header or query parameter' },
			{ name: 'Basic Auth', value: 'basicAuth', description: 'Username and password' },
			{ name: 'Bearer Token', value: 'bearerToken', description: 'Authorization: Bearer …' },
			{ name: 'None', value: 'none' },
			{
				name: 'OAuth2 Client Credentials',
				value: 'oauth2ClientCredentials',
				description: 'A bearer token from your token endpoint, fetched once and reused until it expires',
			},
		],
		default: 'none',
		description: 'How the receiver knows the request is yours; choose the credential below',
	},
	{
		displayName: 'Sign Requests',
		name: 'signRequests',
		type: 'boolean',
		default: false,
		description:
			'Whether to sign every request with a Webhook Signing Secret credential (HMAC header, Standard Webhooks or Stripe-style), on top of the authentication above',
	},
	{
		displayName: 'Client Certificate (mTLS)',
		name: 'clientCertificate',
		type: 'boolean',
		default: false,
		description:
			"Whether to present a client certificate from a Webhook Client Certificate credential, for receivers that require mutual TLS. Sent to the URL's own origin only.",
	},
	CREDENTIALS_SLOT,
	{
		displayName: 'Query Parameters',
		name: 'queryParameters',
		type: 'fixedCollection',
		typeOptions: listTypeOptions,
		placeholder: 'Add Query Parameter',
		default: {},
		description: 'Added to the URL, e.g. entityType, entityId and eventType as LeadSquared sends them',
		options: [{ name: 'parameters', displayName: 'Parameter', values: nameValue('Name', 'Value', 'e.g. entityId') }],
	},
	{
		displayName: 'Custom Headers',
		name: 'headerMode',
		type: 'options',
		options: [
			{ name: 'Key-Value Pairs', value: 'keyValue' },
			{ name: 'Pasted Lines (Name: Value)', value: 'lines' },
		],
		default: 'keyValue',
		description: 'How to enter extra headers. Names may not contain spaces; line breaks in values are refused.',
	},
	{
		displayName: 'Headers',
		name: 'headers',
		type: 'fixedCollection',
		typeOptions: listTypeOptions,
		displayOptions: { show: { headerMode: ['keyValue'] } },
		placeholder: 'Add Header',
		default: {},
		options: [{ name: 'parameters', displayName: 'Header', values: nameValue('Name', 'Value', 'e.g. X-Api-Version') }],
	},
	{
		displayName: 'Header Lines',
		name: 'headerLines',
		type: 'string',
		typeOptions: { rows: 4 },
		displayOptions: { show: { headerMode: ['lines'] } },
		default: '',
		placeholder: 'X-Sample-CustomHeader1: VALUE\nX-Api-Version: 2',
		description:
			'One header per line, as Name: value. A space before the colon is skipped. Keep each expression on the line of its header; a line break in its value is refused.',
	},
	{
		displayName: 'Encoding',
		name: 'encoding',
		type: 'options',
		displayOptions: withBody,
		options: [
			{ name: 'Form URL-Encoded', value: 'form', description: 'Sends application/x-www-form-urlencoded; nested values are flattened' },
			{ name: 'JSON', value: 'json', description: 'One request per item' },
			{
				name: 'JSON Array',
				value: 'jsonArray',
				description:
					"Items in one request as a JSON array (like Vtiger's JSONARRAY); items whose URL, query or headers resolve differently go in a request of their own",
			},
			{ name: 'Text', value: 'text', description: 'Sends text/plain' },
			{ name: 'XML', value: 'xml', description: 'Sends application/xml, wrapped in the root element below' },
		],
		default: 'json',
		description: 'Format of the body; sets the Content-Type header',
	},
	{
		displayName: 'XML Root Element',
		name: 'xmlRootElement',
		type: 'string',
		// A template is sent as written, and no body has no root.
		displayOptions: { show: { ...withBody.show, encoding: ['xml'], content: ['fields', 'wholeItem'] } },
		default: 'payload',
		description: 'Name of the element that wraps the content',
	},
	{
		displayName: 'Nested Values As',
		name: 'formNotation',
		type: 'options',
		displayOptions: { show: { ...withBody.show, encoding: ['form'], content: ['fields', 'wholeItem'] } },
		options: [
			{ name: 'Brackets (Deal[amount]=10)', value: 'bracket' },
			{ name: 'Dots (Deal.amount=10)', value: 'dot' },
		],
		default: 'dot',
		description: 'How nested objects and lists become form field names',
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'options',
		displayOptions: withBody,
		options: [
			{ name: 'Fields', value: 'fields', description: 'Name/value pairs; dotted names nest (deal.amount → {deal:{amount}})' },
			{ name: 'No Body', value: 'none' },
			{ name: 'Template', value: 'template', description: 'Your own body with merge tags such as {{contact.email}}' },
			{ name: 'Whole Item', value: 'wholeItem', description: "The input item's JSON" },
		],
		default: 'wholeItem',
		description: 'What the body holds, in the encoding above',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'fixedCollection',
		typeOptions: listTypeOptions,
		displayOptions: { show: { ...withBody.show, content: ['fields'] } },
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				name: 'values',
				displayName: 'Field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. deal.amount',
						description: 'Dots build nested objects; [0] builds lists',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Text, or an expression that may return a number, a list or an object',
					},
				],
			},
		],
	},
	{
		displayName: 'Body Template',
		name: 'template',
		type: 'string',
		typeOptions: { rows: 8 },
		displayOptions: { show: { ...withBody.show, content: ['template'] } },
		default: '{\n  "email": "{{contact.email}}",\n  "amount": {{deal.amount}}\n}',
		// The merge tags look like n8n expressions: dropping a field in would switch the field to one and break them all.
		noDataExpression: true,
		description:
			'Merge tags {{path.to.field}} are filled from the item and escaped for the encoding: inside JSON quotes as text, outside quotes as a JSON value, in XML as escaped text. Write the body in the encoding chosen above.',
	},
	{
		displayName: 'Missing Merge Tag Values',
		name: 'missingMergeTags',
		type: 'options',
		displayOptions: { show: { ...withBody.show, content: ['template'] } },
		options: [
			{ name: 'Send Empty', value: 'empty', description: 'Empty text inside quotes, null as a JSON value' },
			{ name: 'Fail the Item', value: 'error' },
		],
		default: 'empty',
	},
	{
		displayName: 'Capture Response',
		name: 'captureLanguage',
		type: 'options',
		options: [
			{ name: "Don't Capture", value: 'none' },
			{ name: 'JSONPath', value: 'jsonPath', description: 'For JSON answers, e.g. $.invoice.number' },
			{ name: 'XPath', value: 'xPath', description: 'For XML answers, e.g. /invoice/number' },
		],
		default: 'none',
		description: 'Whether to copy values from the response into the output item (as Vtiger captures webhook responses)',
	},
	captureFields('Capture On Success', 'captureOnSuccess', 'Values to capture from a 2xx response'),
	captureFields(
		'Capture On Failure',
		'captureOnFailure',
		'Values to capture from an error response (Failed items; in a Retry Later item they are under delivery.captured)',
	),
	{
		displayName: 'Failed Items',
		name: 'failedItems',
		type: 'options',
		options: [
			{
				name: 'Send to the Failed Output',
				value: 'output',
				description:
					'Items go to the Failed branch; with nothing connected to Failed the node fails instead, so a failure never looks like success. With nothing connected to Retry Later, items that would wait there fail too.',
			},
			{
				name: 'Stop the Workflow',
				value: 'stop',
				description: 'Fail the node with an error naming the item and why (unless the node is set to continue on error)',
			},
		],
		default: 'output',
		description:
			'What to do with items that could not be delivered: a non-retryable answer, or all attempts used up. Invalid settings (URL, headers, an expression without a valid value) always fail the node.',
	},
	{
		// n8n shows an empty collection as "No properties" and renders no hint under it: the defaults go above it.
		displayName: `Retry Policy defaults: 5 attempts, jittered exponential backoff (up to 1 s, 2 s, 4 s…), retry on ${DEFAULT_RETRY_STATUSES.join(', ')}, network errors and timeouts, Retry Later above 65 s. A manual run (Execute step) makes one attempt.`,
		name: 'retryDefaultsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Retry Policy',
		name: 'retry',
		type: 'collection',
		placeholder: 'Change Retry Setting',
		default: {},
		description: `By default: 5 attempts, jittered exponential backoff (up to 1 s, 2 s, 4 s…), retrying ${DEFAULT_RETRY_STATUSES.join(', ')}, network errors and timeouts; waits over 65 s go to Retry Later`,
		options: [
			{
				displayName: 'Backoff',
				name: 'backoff',
				type: 'options',
				options: [
					{ name: 'Exponential With Jitter', value: 'exponential' },
					{ name: 'Fixed Schedule', value: 'schedule', description: 'A list of waits such as 1m,5m,30m,2h,24h' },
					{ name: 'Linear', value: 'linear' },
				],
				default: 'exponential',
			},
			{
				displayName: 'Base Delay (Seconds)',
				name: 'baseDelay',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 3 },
				default: 1,
				description:
					'Linear backoff waits this, then twice it, and so on; exponential backoff’s first wait is between half of it and all of it (random jitter), then doubles',
				...withoutSchedule,
			},
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 5,
				description: 'Attempts in total, the first one included',
				...withoutSchedule,
			},
			{
				displayName: 'Max Delay (Seconds)',
				name: 'maxDelay',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 3600,
				description: 'Upper bound for backoff waits and for any Retry-After the receiver asks for',
			},
			{
				displayName: 'Retry Later Above (Seconds)',
				name: 'retryLaterThreshold',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 65,
				description:
					'Longer waits send the item to Retry Later with delivery.nextAttemptAt; loop it through a Wait node (Resume: At Specified Time) back into this node. From 65 s, waits survive an n8n restart.',
			},
			{
				displayName: 'Retry On Network Errors',
				name: 'retryOnNetworkErrors',
				type: 'boolean',
				default: true,
				description: 'Whether to retry refused and reset connections and temporary DNS failures',
			},
			{
				displayName: 'Retry On Statuses',
				name: 'retryOnStatuses',
				type: 'string',
				default: DEFAULT_RETRY_STATUSES.join(','),
				description:
					'HTTP statuses that are retried; ranges allowed (500-599). Statuses not listed fail at once; a 3xx arrives here unless Follow Redirects is on.',
			},
			{
				displayName: 'Retry On Timeouts',
				name: 'retryOnTimeouts',
				type: 'boolean',
				default: true,
				description: 'Whether to retry when the receiver does not answer within the timeout',
			},
			{
				displayName: 'Schedule',
				name: 'schedule',
				type: 'string',
				default: '1m,5m,30m,2h,24h',
				description: 'Waits before the 2nd, 3rd, … attempt (units ms, s, m, h, d); one attempt more than waits',
				displayOptions: { show: { backoff: ['schedule'] } },
			},
		],
	},
	...endpointProtectionProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Block Private Networks',
				name: 'blockPrivateNetworks',
				type: 'boolean',
				default: false,
				description:
					'Whether to refuse loopback, private, link-local (cloud metadata such as 169.254.169.254) and other non-public addresses, checked on the resolved address of every connection and redirect',
				hint: "Always on while n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED) is on; then n8n's allowed hosts and ranges apply",
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 200 },
				default: 10,
				description: 'How many requests may be in flight at once (over keep-alive connections); output order is kept',
			},
			{
				displayName: 'Delay Before Sending (Seconds)',
				name: 'delayBeforeSending',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 300 },
				default: 0,
				description: "Wait once before sending (like LeadSquared's execution delay). For longer delays, put a Wait node before this node.",
			},
			{
				displayName: 'Follow Redirects',
				name: 'followRedirects',
				type: 'boolean',
				default: false,
				description:
					'Whether to follow up to 5 redirects. A redirect to another origin carries no custom, signature or authentication header. Off: a 3xx answer fails the item with the new location.',
			},
			{
				displayName: 'Idempotency Header Name',
				name: 'idempotencyHeader',
				type: 'string',
				default: 'Idempotency-Key',
				description:
					'Header that carries the idempotency key; leave empty to send it only as webhook-ID when signing with Standard Webhooks',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.eventId }}',
				description:
					'Stays the same on every retry of an item, so the receiver can drop duplicates. Empty: derived from the execution and the item. Use an expression such as the CRM event ID to keep it stable across executions too.',
				hint: 'After a CRM Event Trigger, {{ $json.eventId }} makes a re-run of the whole workflow send the same key',
			},
			{
				displayName: 'Ignore TLS Errors',
				name: 'ignoreTlsErrors',
				type: 'boolean',
				default: false,
				description: 'Whether to accept invalid or self-signed certificates (for testing only)',
			},
			{
				displayName: 'Include Response Headers',
				name: 'includeResponseHeaders',
				type: 'boolean',
				default: false,
				description: 'Whether to add the response headers to the output item (cookies are masked)',
			},
			{
				displayName: 'Max Response Size (KB)',
				name: 'maxResponseKb',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 16384 },
				default: 1024,
				description: 'Bytes of the response body kept; the rest is discarded unread',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{
						name: 'Input Fields and Delivery Result',
						value: 'inputAndDelivery',
						description: "The delivery result first (delivery, error, response, captured), then the item's own fields",
					},
					{
						name: 'Delivery Result Only',
						value: 'deliveryOnly',
						description: 'Only delivery, error, response and captured, for a short output (Delivered and Failed items)',
					},
				],
				default: 'inputAndDelivery',
				description:
					'What each Delivered and Failed item holds. delivery.message says in one line what happened. A Retry Later item always holds the input item unchanged plus delivery (with the last error, response and captured values inside it), so it is sent the same way when it comes back.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: 30,
				description: 'Time allowed for each attempt: connecting, sending and reading the answer',
			},
		],
	},
];
