/**
 * Salesforce Outbound Messages (developer.salesforce.com, SOAP API Developer Guide > Outbound Messaging,
 * "Understanding the Outbound Messaging WSDL"): a SOAP envelope, text/xml, whose `notifications` holds
 * OrganizationId, ActionId, SessionId (when "Send Session ID" is ticked), EnterpriseUrl, PartnerUrl and up
 * to 100 `Notification` elements, each an `Id` and an `sObject` of `xsi:type="sf:<Object>"` with the
 * chosen fields as children. Nothing is signed: the message is authenticated by its OrganizationId (and,
 * optionally, the IP Allowlist holding Salesforce's published ranges). A notification ID repeats when
 * Salesforce redelivers, so it is the dedupe key. Salesforce retries until it gets the SOAP Ack, for 24
 * hours, so the Ack answers accepted and repeated deliveries alike.
 */
import { isUtf8 } from 'node:buffer';

import { localName, xmlTextAt } from '../inbound/xmlTextAt';
import { ATTRIBUTES_KEY, safeName, TEXT_KEY, xmlLimitsFor } from '../inbound/xmlTree';
import { DEFAULT_PARSE_LIMITS } from '../inbound/parseBody';
import { isRejection } from '../inbound/rejection';
import { constantTimeEqual } from '../signatures/constantTime';
import type { VerificationResult } from '../signatures/types';
import { fail } from '../signatures/types';
import { buildEvent, eventIdOf, eventType, idText, isoTime, isRecord, objectKey, presentValues } from './events';
import { eighteenCharacterId, organizationIdProblems } from './salesforceIds';
import { setupSteps } from './setupSteps';
import type { CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult, NormalisedEvent, VerificationInput } from './types';

const ORGANIZATION_ID_FIELD = 'Organization ID';

/** The acknowledgement the outbound messaging WSDL defines (`notificationsResponse` with `Ack` true). */
export const SALESFORCE_ACK =
	'<?xml version="1.0" encoding="UTF-8"?>' +
	'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
	'<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>' +
	'</soapenv:Body></soapenv:Envelope>';

const outboundMessage = (type: string, label: string): CrmEventType =>
	eventType(`${objectKey(type)}.outbound_message`, `${label} Outbound Message`, type);

/** Standard objects outbound messages are often defined on; any other object, custom ones too, gets `<object>.outbound_message`. */
const EVENTS: CrmEventType[] = [
	outboundMessage('Account', 'Account'),
	outboundMessage('Asset', 'Asset'),
	outboundMessage('Campaign', 'Campaign'),
	outboundMessage('CampaignMember', 'Campaign Member'),
	outboundMessage('Case', 'Case'),
	outboundMessage('Contact', 'Contact'),
	outboundMessage('Contract', 'Contract'),
	outboundMessage('Event', 'Event'),
	outboundMessage('Lead', 'Lead'),
	outboundMessage('Opportunity', 'Opportunity'),
	outboundMessage('Order', 'Order'),
	outboundMessage('Product2', 'Product'),
	outboundMessage('Quote', 'Quote'),
	outboundMessage('Task', 'Task'),
	outboundMessage('User', 'User'),
];

/** The child whose local name is `name` (`soapenv:Body`, `Body`, `SOAP-ENV:Body`). */
function child(node: unknown, name: string): unknown {
	if (!isRecord(node)) return undefined;
	const key = Object.keys(node).find((candidate) => candidate !== ATTRIBUTES_KEY && localName(candidate) === name);
	return key === undefined ? undefined : node[key];
}

const listOf = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** An attribute by local name (`xsi:type`, `xsi:nil`). */
function attribute(node: unknown, name: string): string | undefined {
	const attributes = isRecord(node) ? node[ATTRIBUTES_KEY] : undefined;
	if (!isRecord(attributes)) return undefined;
	const key = Object.keys(attributes).find((candidate) => localName(candidate) === name);
	return key === undefined ? undefined : String(attributes[key]);
}

/** A field's value: its text, null for `xsi:nil="true"`, nested elements with their prefixes dropped. */
function fieldValue(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(fieldValue);
	if (!isRecord(node)) return node;
	if (attribute(node, 'nil') === 'true') return null;
	const fields = fieldsOf(node);
	const text = node[TEXT_KEY];
	if (Object.keys(fields).length === 0) return typeof text === 'string' ? text : '';
	return fields;
}

function fieldsOf(node: JsonObject): JsonObject {
	const fields: JsonObject = {};
	for (const [name, value] of Object.entries(node)) {
		// `sf:__proto__` becomes a prototype key only here, once its prefix is dropped: renamed as the XML reader does.
		if (name !== ATTRIBUTES_KEY && name !== TEXT_KEY) fields[safeName(localName(name))] = fieldValue(value);
	}
	return fields;
}

/** The `notifications` element of a parsed envelope, or undefined when the body is something else. */
function notificationsOf(body: unknown): JsonObject | undefined {
	if (!isRecord(body)) return undefined;
	const [root] = Object.values(body);
	const notifications = child(child(root, 'Body'), 'notifications');
	return isRecord(notifications) ? notifications : undefined;
}

/** Text of a simple element (`<OrganizationId>00D…</OrganizationId>`). */
const textOf = (value: unknown): string | null => idText(isRecord(value) ? value[TEXT_KEY] : value);

const ORGANIZATION_ID_PATH = ['Body', 'notifications', 'OrganizationId'];
/** What may stand before the OrganizationId: the trigger's limits apply to the whole message once it is authenticated. */
const ORGANIZATION_ID_LIMITS = xmlLimitsFor(DEFAULT_PARSE_LIMITS.maxXmlElements, DEFAULT_PARSE_LIMITS.maxDepth);

/**
 * The built-in check: the message's OrganizationId, compared in constant time with the configured ID in
 * its 18-character form (a 15-character ID is extended as Salesforce does). Reads the XML only up to that ID.
 */
function verify({ rawBody, settings }: VerificationInput): VerificationResult {
	const expected = eighteenCharacterId(settings.salesforceOrganizationId ?? '');
	if (!expected) return { ...fail('mismatch', `The node's ${ORGANIZATION_ID_FIELD} is not a Salesforce ID`), forbidden: true };
	if (!isUtf8(rawBody)) return fail('malformed', 'The body is not UTF-8 text');
	// OrganizationId comes first in `notifications`: the rest of the message is read once, after this check.
	const found = xmlTextAt(rawBody.toString('utf8'), ORGANIZATION_ID_PATH, ORGANIZATION_ID_LIMITS);
	if (isRejection(found)) return fail('malformed', `Not a Salesforce outbound message: ${found.message}`);
	const sent = found.value ? idText(found.value) : null;
	if (!sent) return fail('missing', 'The outbound message names no OrganizationId');
	const received = eighteenCharacterId(sent) ?? sent;
	if (!constantTimeEqual(expected, received))
		return { ...fail('mismatch', 'The message comes from another Salesforce organization'), forbidden: true };
	return { valid: true, scheme: 'salesforce-organization-id', secretIndex: 0 };
}

function toEvent(notification: JsonObject, envelope: JsonObject, input: NormaliseInput): NormalisedEvent {
	const sObject = child(notification, 'sObject');
	const type = localName(attribute(sObject, 'type') ?? 'Record');
	const data = isRecord(sObject) ? fieldsOf(sObject) : {};
	const changedAt = isoTime(data.LastModifiedDate ?? data.SystemModstamp);
	return buildEvent(
		{
			event: `${objectKey(type)}.outbound_message`,
			sourceEvent: type.slice(0, 200),
			crm: 'salesforce',
			...eventIdOf(textOf(child(notification, 'Id')), changedAt, 'salesforce', type, data),
			occurredAt: changedAt,
			object: { type: objectKey(type), id: idText(data.Id) },
			data,
			// SessionId is a live API session: it never reaches workflow data.
			context: presentValues({
				organizationId: envelope.OrganizationId,
				actionId: envelope.ActionId,
				enterpriseUrl: envelope.EnterpriseUrl,
				partnerUrl: envelope.PartnerUrl,
			}),
		},
		input.receivedAt,
	);
}

function normalise(input: NormaliseInput): NormaliseResult {
	if (input.rawBody.length === 0) return { events: [] };
	const notifications = notificationsOf(input.body);
	if (!notifications) return { error: 'A Salesforce outbound message must be a SOAP envelope holding notifications' };
	const envelope: JsonObject = {};
	for (const name of ['OrganizationId', 'ActionId', 'EnterpriseUrl', 'PartnerUrl']) envelope[name] = textOf(child(notifications, name));
	const elements = listOf(child(notifications, 'Notification')).filter(isRecord);
	return { events: elements.map((notification) => toEvent(notification, envelope, input)) };
}

const SESSION_ID = /(<(?:[\w.-]+:)?SessionId\b[^>]*>)[^<]*(<\/(?:[\w.-]+:)?SessionId>)/g;

export const salesforce: CrmProfile = {
	id: 'salesforce',
	displayName: 'Salesforce',
	events: EVENTS,
	defaultAuthentication: 'builtIn',
	// None skips the organization check (an IP Allowlist can still limit senders); the editor needs the choice.
	supportedAuthentications: ['builtIn', 'none'],
	builtInVerification: {
		name: 'Organization ID',
		description: 'Accept only outbound messages whose OrganizationId is the Organization ID below',
		verify,
		signatureHeaders: [],
		settingsProblems: (settings) => organizationIdProblems(settings.salesforceOrganizationId, ORGANIZATION_ID_FIELD),
	},
	httpMethods: ['POST'],
	// Salesforce retries a message for 24 hours, then drops it.
	retryWindowHours: 24,
	defaultResponse: { status: 200, body: SALESFORCE_ACK, contentType: 'text/xml; charset=utf-8' },
	keepsXmlTagCase: true,
	redactRawBody: (text) => text.replace(SESSION_ID, '$1[redacted]$2'),
	setupHint: setupSteps(
		'Salesforce outbound message',
		[
			'In Setup > Outbound Messages > New Outbound Message, pick the object, set Endpoint URL to this URL and choose the fields (include LastModifiedDate).',
			'Leave Send Session ID unticked unless the workflow calls Salesforce back (it never reaches the output).',
			'Send it from a record-triggered flow (Action: Outbound Message) or a workflow rule.',
			'Copy Setup > Company Information > Salesforce.com Organization ID into Organization ID below.',
			"Recommended: paste Salesforce's IP ranges (help article 'Salesforce IP Addresses and Domains to Allow') into Options > IP Allowlist. Outbound messages are not signed and the organization ID is not secret, so the allowlist and the unguessable Path keep others out.",
			'Publish the workflow.',
		],
		'Each notification becomes one item, acknowledged with the SOAP Ack Salesforce waits for; a redelivery is acknowledged and starts nothing.',
	),
	settings: ['salesforceOrganizationId'],
	normalise,
};
