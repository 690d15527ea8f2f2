import { CREDENTIALS_SLOT } from '../shared/n8n/credentialsSlot';
import type { INodeProperties } from 'n8n-workflow';

import { CRM_PROFILES } from '../shared/crm';
import { CUSTOM_PATH_DEFAULTS } from '../shared/crm/custom';
import { DEFAULT_UNTYPED_EVENT } from '../shared/crm/standardWebhooks';
import type { CrmProfile } from '../shared/crm/types';
import { builtInCheckProperties } from './builtInCheckProperties';
import { hubspotProperties } from './hubspotProperties';
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

/**
 * The node's parameters, generated from the CRM profiles: a selector, then per CRM its setup notice,
 * authentication choices, event filter and the settings its profile reads.
 */
const forCrm = (...crm: string[]) => ({ displayOptions: { show: { crm } } });
const profilesWith = (predicate: (profile: CrmProfile) => boolean) => CRM_PROFILES.filter(predicate).map((profile) => profile.id);

function authenticationProperty(profile: CrmProfile): INodeProperties {
	const fallback = profile.defaultAuthentication;
	return {
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: profile.supportedAuthentications.map((kind) =>
			kind === 'builtIn'
				? { name: profile.builtInVerification?.name ?? 'Built-In', value: 'builtIn', description: profile.builtInVerification?.description }
				: { ...TRIGGER_AUTHENTICATION_OPTIONS[kind], ...profile.authenticationLabels?.[kind] },
		),
		default: fallback,
		description:
			'How requests prove they come from the CRM. Requests that fail are answered 401 (403 for another Salesforce organization) and start nothing.',
		...forCrm(profile.id),
	};
}

/** The CRM's setup steps: one notice per way of setting it up, chosen by Authentication. */
function setupNotices(profile: CrmProfile): INodeProperties[] {
	const paths = profile.setupPaths ?? [];
	const otherPaths = paths.flatMap((path) => path.authentications);
	const notice = (name: string, text: string, displayOptions: INodeProperties['displayOptions']): INodeProperties => ({
		displayName: text,
		name,
		type: 'notice',
		default: '',
		displayOptions,
	});
	return [
		notice(
			`setupNotice_${profile.id}`,
			profile.setupHint,
			otherPaths.length > 0 ? { show: { crm: [profile.id] }, hide: { authentication: otherPaths } } : forCrm(profile.id).displayOptions,
		),
		...paths.map((path, index) =>
			notice(`setupNotice_${profile.id}_${index + 1}`, path.hint, { show: { crm: [profile.id], authentication: path.authentications } }),
		),
	];
}

function eventFilterProperty(profile: CrmProfile): INodeProperties {
	return {
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: profile.events.map((event) => ({ name: event.name, value: event.value, description: event.value })),
		default: [],
		description: 'Events that start the workflow; leave empty for all. Other events are answered 2xx and start nothing.',
		// n8n's multi-select shows no placeholder of a node's own, so the empty choice is said under it.
		hint: 'Empty: every event starts the workflow',
		// With Event From: This URL, the URL names its one event (the Event field), so there is nothing to filter.
		displayOptions: profile.settings.includes('eventSource')
			? { show: { crm: [profile.id] }, hide: { eventSource: ['fixed'] } }
			: forCrm(profile.id).displayOptions,
	};
}

function fixedEventProperty(profile: CrmProfile): INodeProperties {
	const first = profile.events[0].value;
	return {
		displayName: 'Event',
		name: 'fixedEvent',
		type: 'options',
		options: profile.events.map((event) => ({ name: event.name, value: event.value, description: event.value })),
		default: first,
		description: 'The event every request to this URL stands for (create one workflow action per event)',
		displayOptions: { show: { crm: [profile.id], eventSource: ['fixed'] } },
	};
}

const userBuiltCrms = profilesWith((profile) => profile.settings.includes('eventSource'));
const customCrms = profilesWith((profile) => profile.settings.includes('eventTypePath'));
const namedEventCrms = profilesWith((profile) => profile.events.length === 0);

const userBuiltProperties: INodeProperties[] = [
	{
		displayName: 'Event From',
		name: 'eventSource',
		type: 'options',
		options: [
			{ name: 'This URL (One Event per URL)', value: 'fixed' },
			{ name: 'A Body Field', value: 'field' },
			{ name: 'A Query Parameter', value: 'query' },
		],
		default: 'fixed',
		description: 'The CRM sends no event name of its own, so say where it comes from',
		...forCrm(...userBuiltCrms),
	},
	...CRM_PROFILES.filter((profile) => userBuiltCrms.includes(profile.id)).map(fixedEventProperty),
	{
		displayName: 'Event Field',
		name: 'eventField',
		type: 'string',
		default: 'event',
		placeholder: 'e.g. event',
		description: 'Body field holding the event name (a.b.c or a JSONPath), e.g. a parameter "event" with the value "Deal Won"',
		displayOptions: { show: { crm: userBuiltCrms, eventSource: ['field'] } },
	},
	{
		displayName: 'Event Query Parameter',
		name: 'eventQueryParameter',
		type: 'string',
		default: 'event',
		description: 'Add ?event=deal.won (or any name you choose here) to the URL you paste in the CRM',
		displayOptions: { show: { crm: userBuiltCrms, eventSource: ['query'] } },
	},
	{
		displayName: 'Record ID Field',
		name: 'objectIdField',
		type: 'string',
		default: 'id',
		description: 'Body field holding the record ID (a.b.c or a JSONPath)',
		...forCrm(...userBuiltCrms),
	},
	{
		displayName: 'Time Field',
		name: 'timestampField',
		type: 'string',
		default: '',
		placeholder: 'e.g. updated_at',
		description:
			'Body field holding when the change happened: ISO (2024-03-11 09:15:42, read as UTC without a zone) or unix time; dates like 11-03-2024 or 03/13/2024, whose day-month order varies by sender, are not read. Empty: the time the request arrived.',
		hint: 'With a time field, a later change with the same values is never mistaken for a retry',
		...forCrm(...userBuiltCrms),
	},
	{
		displayName: 'Array Body',
		name: 'arrayMode',
		type: 'options',
		options: [
			{ name: 'One Event per Element', value: 'split', description: 'Vtiger JSONARRAY: each record starts its own event' },
			{ name: 'One Event', value: 'single', description: 'All elements stay together in data.records' },
		],
		default: 'split',
		description: 'What a JSON array body becomes',
		...forCrm(...userBuiltCrms),
	},
];

const customPath = (displayName: string, name: keyof typeof CUSTOM_PATH_DEFAULTS, description: string): INodeProperties => {
	const fallback = CUSTOM_PATH_DEFAULTS[name];
	return { displayName, name, type: 'string', default: fallback, description, ...forCrm(...customCrms) };
};
const customProperties: INodeProperties[] = [
	customPath('Event Type Path', 'eventTypePath', 'JSONPath of the event name; it becomes lowercase and dotted'),
	customPath('Event ID Path', 'eventIdPath', 'JSONPath of a unique delivery ID, for dropping retries; empty to hash the record'),
	{
		displayName: 'Event ID Header',
		name: 'eventIdHeader',
		type: 'string',
		default: '',
		placeholder: 'e.g. X-Event-ID',
		description: 'A header with a unique delivery ID, used before the Event ID Path',
		hint: 'A signature over the body alone does not cover this header: a captured request resent with a new value runs again. Prefer the Event ID Path when the body has an ID.',
		...forCrm(...customCrms),
	},
	customPath('Time Path', 'timestampPath', 'JSONPath of when the event happened (ISO or unix time; without a zone: UTC)'),
	customPath('Object Type Path', 'objectTypePath', 'JSONPath of the record type; empty to use the event name’s first part'),
	customPath('Object ID Path', 'objectIdPath', 'JSONPath of the record ID'),
	customPath('Data Path', 'dataPath', 'JSONPath of the record; the whole body when it finds no object'),
];

const firstCrm = CRM_PROFILES[0].id;

export const crmEventTriggerProperties: INodeProperties[] = [
	{
		displayName: 'CRM',
		name: 'crm',
		type: 'options',
		noDataExpression: true,
		// Alphabetical, as n8n lists options; the default stays the first profile.
		options: CRM_PROFILES.map((profile) => ({ name: profile.displayName, value: profile.id })).sort((a, b) =>
			a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }),
		),
		default: firstCrm,
		description: 'The CRM that sends events to this URL',
	},
	...CRM_PROFILES.flatMap(setupNotices),
	...CRM_PROFILES.map(authenticationProperty),
	CREDENTIALS_SLOT,
	...CRM_PROFILES.filter((profile) => profile.events.length > 0).map(eventFilterProperty),
	{
		displayName: 'Events',
		name: 'eventNames',
		type: 'string',
		default: '',
		placeholder: 'e.g. contact.created, invoice.paid',
		description:
			'Event types that start the workflow, separated by commas, as the sender names them (invoice.paymentFailed) or as the output’s event field shows them (invoice_payment.failed); leave empty for all',
		...forCrm(...namedEventCrms),
	},
	...userBuiltProperties,
	...customProperties,
	{
		displayName: 'Event Name When Type Is Missing',
		name: 'untypedEventName',
		type: 'string',
		default: DEFAULT_UNTYPED_EVENT,
		placeholder: DEFAULT_UNTYPED_EVENT,
		description:
			'Standard Webhooks only recommends a "type" field. A payload without one gets this canonical event name; list it in Events if you filter.',
		...forCrm(...profilesWith((profile) => profile.settings.includes('untypedEventName'))),
	},
	...builtInCheckProperties,
	...hubspotProperties,
	// Deduplication is on by default (Options › Deduplicate Events), so the store is chosen for every CRM.
	// (n8n cannot hide a parameter by an option inside a collection: its parameter resolution throws.)
	dedupeStoreProperty,
];

// Inside a collection, display options name the collection's other options. Deduplication is on until turned off.
const withDedupe = { displayOptions: { hide: { deduplicate: [false] } } };
const withHandshake = (...sources: string[]) => ({ displayOptions: { show: { handshakeSource: sources } } });

/** Settings shared by every CRM, named as in the Inbound Webhook Trigger: dedupe, output, response, network, handshake. */
export const crmSettingsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'settings',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Answer Before Authentication',
			name: 'handshakeBeforeAuth',
			type: 'boolean',
			default: false,
			description:
				'Whether to answer a query-parameter challenge even when the handshake request carries no valid authentication, for CRMs that do not sign it. The IP allowlist still applies.',
			...withHandshake('query'),
		},
		{ ...duplicateResponseProperty, ...withDedupe },
		{
			displayName: 'Answer Verification Handshake From',
			name: 'handshakeSource',
			type: 'options',
			options: [
				{ name: 'Body Field', value: 'body' },
				{ name: 'None', value: 'none' },
				{ name: 'Query Parameter', value: 'query' },
			],
			default: 'none',
			description:
				'Echo a subscription challenge or confirmation token back without starting the workflow, for CRMs that confirm a URL that way',
		},
		{ ...handshakeAnswerProperty('Challenge Answer As'), ...withHandshake('query', 'body') },
		{ ...handshakeFieldProperty, ...withHandshake('query', 'body') },
		{
			displayName: 'Deduplicate Events',
			name: 'deduplicate',
			type: 'boolean',
			default: true,
			description: 'Whether an event whose ID was already received (a CRM retry) starts nothing. IDs are remembered across n8n restarts.',
		},
		{
			displayName: 'Include Raw Request',
			name: 'includeRawRequest',
			type: 'boolean',
			default: false,
			description: 'Whether to add the method, headers (secrets redacted), query and body text to each event as "request"',
		},
		ipAllowlistProperty,
		maxBodySizeProperty,
		{ ...maxRememberedEventsProperty, ...withDedupe },
		maxXmlElementsProperty,
		{
			...rememberEventsProperty(
				72,
				'Covers every retry schedule these CRMs document (Freshsales retries for an hour, then for 2 days). Where the CRM sends no event ID and the record holds no time of the change, the ID is a hash of the content and is kept only for the CRM’s retry window, so a later change with the same content still starts the workflow.',
			),
			...withDedupe,
		},
		replayWindowProperty,
		{
			displayName: 'Response Body',
			name: 'responseBody',
			type: 'string',
			default: '',
			placeholder: 'e.g. {"received":true}',
			description: 'Answer to accepted deliveries (JSON or text). Empty: what the CRM requires (LeadSquared), else {"received":true}.',
		},
		{
			displayName: 'Response Code',
			name: 'responseCode',
			type: 'number',
			typeOptions: { minValue: 200, maxValue: 299 },
			default: 200,
			description: 'The 2xx status of the answer to accepted deliveries',
		},
		trustedProxiesProperty,
	],
};
