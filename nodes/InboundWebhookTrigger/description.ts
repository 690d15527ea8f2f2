import { CREDENTIALS_SLOT } from '../shared/n8n/credentialsSlot';
import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';

import { HTTP_METHOD_OPTIONS } from '../shared/http/methods';
import { PARSING_TAKEOVER_PROPERTY } from '../shared/n8n/inboundWebhook';
import { fromParameter, nativeField, webhookDescriptionFields } from '../shared/n8n/nativeWebhookFields';
import {
	dedupeStoreProperty,
	duplicateResponseProperty,
	handshakeAnswerProperty,
	handshakeFieldProperty,
	ipAllowlistProperty,
	maxBodySizeProperty,
	maxRememberedEventsProperty,
	maxXmlElementsProperty,
	rememberEventsProperty,
	replayWindowProperty,
	TRIGGER_AUTHENTICATION_OPTIONS,
	trustedProxiesProperty,
} from '../shared/n8n/triggerProperties';
import { signatureProperties } from './signatureProperties';

export const DEFAULT_RESPONSE_BODY = '{"received":true}';

const show = (conditions: Record<string, Array<string | boolean>>) => ({ displayOptions: { show: conditions } });

const requestProperties: INodeProperties[] = [
	{
		displayName: 'HTTP Methods',
		name: 'httpMethod',
		type: 'multiOptions',
		options: HTTP_METHOD_OPTIONS,
		default: ['POST'],
		required: true,
		description: 'The HTTP methods to listen to; n8n registers the URL once per method',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		placeholder: 'e.g. contact-updates (empty: a generated path)',
		description: 'The URL path after /webhook/. Leave empty for a unique random path.',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			TRIGGER_AUTHENTICATION_OPTIONS.apiKey,
			TRIGGER_AUTHENTICATION_OPTIONS.basicAuth,
			TRIGGER_AUTHENTICATION_OPTIONS.bearerToken,
			TRIGGER_AUTHENTICATION_OPTIONS.none,
			TRIGGER_AUTHENTICATION_OPTIONS.signingSecret,
		],
		default: 'none',
		description:
			'How senders prove who they are. Secrets are compared in constant time; signatures are checked over the exact raw body. Several secrets can be active during a rotation.',
	},
	CREDENTIALS_SLOT,
	...signatureProperties,
];

const responseProperties: INodeProperties[] = [
	{
		displayName: 'Respond',
		name: 'responseMode',
		type: 'options',
		options: [
			{
				name: 'Immediately',
				value: 'onReceived',
				description: 'Answer as soon as the request is accepted, before the workflow runs',
			},
			{
				name: 'When Last Node Finishes',
				value: 'lastNode',
				description: 'Answer with the output of the last node that runs',
			},
			{
				name: "Using 'Respond to Webhook' Node",
				value: 'responseNode',
				description: 'Answer from a Respond to Webhook node in the workflow',
			},
		],
		default: 'onReceived',
		description: 'When to answer the sender. Rejected requests are always answered at once.',
	},
	{
		displayName:
			"Insert a 'Respond to Webhook' node of version 1 to control when and how you respond. Its later versions accept only n8n's own Webhook node and fail with 'No Webhook node found'; import the package's examples/stand-in-receivers.json (in n8n's nodes folder, node_modules/n8n-nodes-crm-webhooks) and copy its version 1 node.",
		name: 'respondToWebhookNotice',
		type: 'notice',
		default: '',
		...show({ responseMode: ['responseNode'] }),
	},
	{
		displayName: 'Response Code',
		name: 'responseCode',
		type: 'number',
		typeOptions: { minValue: 200, maxValue: 599 },
		default: 200,
		description: 'The HTTP status of the answer to an accepted request',
		...show({ responseMode: ['onReceived', 'lastNode'] }),
	},
	{
		displayName: 'Response Body',
		name: 'responseBody',
		type: 'string',
		typeOptions: { rows: 3 },
		default: DEFAULT_RESPONSE_BODY,
		description: 'Sent as JSON when it is a JSON object or array, otherwise as text. Leave empty for no body.',
		...show({ responseMode: ['onReceived'] }),
	},
	{
		displayName: 'Response Headers',
		name: 'responseHeaders',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Header',
		default: {},
		...show({ responseMode: ['onReceived'] }),
		options: [
			{
				displayName: 'Header',
				name: 'header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Response Data',
		name: 'lastNodeResponseData',
		type: 'options',
		options: [
			{ name: 'All Entries', value: 'allEntries', description: 'All items of the last node, as a JSON array' },
			{ name: 'First Entry JSON', value: 'firstEntryJson', description: 'The JSON of the first item' },
			{ name: 'No Response Body', value: 'noData' },
		],
		default: 'firstEntryJson',
		...show({ responseMode: ['lastNode'] }),
	},
];

const dedupeProperties: INodeProperties[] = [
	{
		displayName: 'Deduplicate Events',
		name: 'deduplicate',
		type: 'boolean',
		default: false,
		description:
			'Whether to start the workflow only once per event ID, so a sender’s retries do not run it twice. IDs are remembered across n8n restarts.',
	},
	{
		displayName: 'Event ID From',
		name: 'eventIdSource',
		type: 'options',
		options: [
			{ name: 'Body Field (JSONPath)', value: 'jsonPath' },
			{ name: 'Header', value: 'header' },
		],
		default: 'jsonPath',
		...show({ deduplicate: [true] }),
	},
	{
		displayName: 'Event ID Path',
		name: 'eventIdPath',
		type: 'string',
		default: '$.id',
		placeholder: 'e.g. $.event.uuid',
		description: 'JSONPath over the parsed body',
		hint: 'XML element names are lower case ($.event.id for &lt;Event&gt;&lt;Id&gt;). A request without an ID here starts the workflow unchecked, with meta.eventIdMissing.',
		...show({ deduplicate: [true], eventIdSource: ['jsonPath'] }),
	},
	{
		displayName: 'Event ID Header',
		name: 'eventIdHeader',
		type: 'string',
		default: 'X-Event-Id',
		placeholder: 'e.g. X-GitHub-Delivery',
		description:
			'For example X-GitHub-Delivery. Standard Webhooks requests need none: their signed message ID is used when no other ID is found.',
		...show({ deduplicate: [true], eventIdSource: ['header'] }),
	},
	{
		...rememberEventsProperty(24, 'Cover the sender’s whole retry schedule (for example 49 for Freshsales, 72 for Stripe)'),
		...show({ deduplicate: [true] }),
	},
	{ ...duplicateResponseProperty, ...show({ deduplicate: [true] }) },
	{ ...dedupeStoreProperty, ...show({ deduplicate: [true] }) },
];

const handshakeProperties: INodeProperties[] = [
	{
		displayName: 'Answer Verification Handshake',
		name: 'handshake',
		type: 'boolean',
		default: false,
		description:
			'Whether to echo a subscription challenge back to the sender without starting the workflow (for example hub.challenge, or a confirmation token)',
	},
	{
		displayName: 'Challenge In',
		name: 'handshakeSource',
		type: 'options',
		options: [
			{ name: 'Body Field', value: 'body' },
			{ name: 'Query Parameter', value: 'query' },
		],
		default: 'body',
		...show({ handshake: [true] }),
	},
	{ ...handshakeFieldProperty, ...show({ handshake: [true] }) },
	{ ...handshakeAnswerProperty('Answer As'), ...show({ handshake: [true] }) },
	{
		displayName: 'Answer Before Authentication',
		name: 'handshakeBeforeAuth',
		type: 'boolean',
		default: false,
		description:
			'Whether to answer the challenge even when the handshake request itself carries no valid authentication, for senders that do not sign it. The IP allowlist still applies.',
		...show({ handshake: [true], handshakeSource: ['query'] }),
	},
];

const outputProperties: INodeProperties[] = [
	{
		displayName: 'Field Mapping',
		name: 'fieldMapping',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		description: 'Output fields taken from the request by JSONPath over { body, headers, query }',
		hint: 'Paths start at $.body, $.headers or $.query; header and XML element names are lower case',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. email' },
					{
						displayName: 'JSON Path',
						name: 'path',
						type: 'string',
						default: '',
						placeholder: 'e.g. $.body.contact.email',
						description:
							"JSONPath starting at $.body, $.headers or $.query, e.g. $.body.contact.email or $.headers['user-agent']. A path that matches nothing gives null and is listed in the item's meta.unmatchedPaths.",
					},
				],
			},
		],
	},
	{
		displayName: 'Split Array Into Items',
		name: 'splitArray',
		type: 'boolean',
		default: false,
		description: 'Whether to emit one item per element when the payload holds an array of events',
	},
	{
		displayName: 'Array Path',
		name: 'splitPath',
		type: 'string',
		default: '$.body',
		placeholder: 'e.g. $.body.events',
		description:
			'JSONPath to the array; each element becomes the body of one item. A lone object there (XML’s single child element) is one item; an empty array is answered without starting the workflow.',
		...show({ splitArray: [true] }),
	},
];

const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'settings',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Additional Headers to Redact',
			name: 'redactHeaders',
			type: 'string',
			default: '',
			placeholder: 'e.g. X-Internal-Token, X-Session',
			description:
				'Header names to hide in the output, separated by commas. Authorization, cookies, signature headers and the credential’s header are always hidden.',
		},
		{
			displayName: 'Binary Property',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: 'Where a binary body goes in the output item',
		},
		{
			displayName: 'Body Type',
			name: 'bodyType',
			type: 'options',
			options: [
				{ name: 'Binary', value: 'binary', description: 'Keep the body as a file' },
				{ name: 'Form (URL-Encoded)', value: 'form' },
				{ name: 'From Content-Type', value: 'auto', description: 'Unknown types are answered 415' },
				{ name: 'JSON', value: 'json' },
				{ name: 'Text', value: 'text' },
				{ name: 'XML', value: 'xml', description: 'DOCTYPE and ENTITY declarations are refused' },
			],
			default: 'auto',
			description: 'How to parse the body. Malformed bodies are answered 400.',
		},
		ipAllowlistProperty,
		maxBodySizeProperty,
		maxRememberedEventsProperty,
		maxXmlElementsProperty,
		{
			displayName: 'Output Mapped Fields Only',
			name: 'mappedFieldsOnly',
			type: 'boolean',
			default: false,
			description:
				'Whether items hold only the mapped fields and meta, without body, headers and query. The fields then sit at the top of each item (email instead of fields.email).',
		},
		replayWindowProperty,
		trustedProxiesProperty,
	],
};

/**
 * One webhook; httpMethod is the selected methods, and n8n registers one URL per method. Every
 * field has a native resolver, so n8n 2.41+ reads them from the parameters without the expression
 * engine (unless the user put an expression into a parameter); older n8n evaluates the templates.
 */
export const inboundWebhookTriggerWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		isFullPath: true,
		...webhookDescriptionFields({
			httpMethod: fromParameter('httpMethod'),
			path: fromParameter('path'),
			responseMode: fromParameter('responseMode'),
			responseCode: fromParameter('responseCode'),
			// Empty in the Immediately mode: n8n then sends the node's own answer (webhookResponse), not this.
			responseData: nativeField('={{$parameter["responseMode"] === "lastNode" ? $parameter["lastNodeResponseData"] : ""}}', (parameters) =>
				parameters.responseMode === 'lastNode' ? parameters.lastNodeResponseData : '',
			),
		}),
	},
];

export const inboundWebhookTriggerProperties: INodeProperties[] = [
	...requestProperties,
	...responseProperties,
	...dedupeProperties,
	...handshakeProperties,
	...outputProperties,
	optionsCollection,
	PARSING_TAKEOVER_PROPERTY,
];
