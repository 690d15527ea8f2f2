/**
 * HighLevel (GoHighLevel / LeadConnector) marketplace webhooks: flat JSON with the event in `type`
 * (`ContactCreate`, `OpportunityStageUpdate`, ...), `locationId`, and in real deliveries `timestamp` and a
 * `webhookId` for dedupe. Signed with HighLevel's published keys: Ed25519 in `X-GHL-Signature`, and
 * RSA-SHA256 in the legacy `x-wh-signature` (dropped on 2026-07-01 per the Webhook Integration Guide).
 * Sources: GoHighLevel/highlevel-api-docs toc.json (event names), the Webhook Integration Guide
 * (signatures, `webhookId`, 5-minute timestamp advice) and captured deliveries (see test/fixtures/crm/highLevel).
 *
 * A HighLevel-style platform's help page also describes workflow Webhook actions with user-built bodies
 * and an `X-Hmac-Signature` HMAC header; both are supported. Its API v2 confirmation-token handshake could
 * not be confirmed in HighLevel's documentation.
 */
import type { SigningConfig } from '../signatures';
import {
	buildEvent,
	eventIdOf,
	eventType,
	firstId,
	idText,
	isoTime,
	isRecord,
	objectTypeOf,
	presentValues,
	resolveEvent,
	without,
} from './events';
import { highLevelKeyProblems, verifyHighLevelSignature } from './highLevelSignature';
import { bodyValue, queryRecord } from './records';
import type { CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult } from './types';
import { setupSteps } from './setupSteps';

/** A workflow Webhook action sends no event name; this label stands in for one. */
const WORKFLOW_WEBHOOK = 'WorkflowWebhook';

/** Derived events have no source name of their own: they are a status update with a given status. */
const EVENTS: CrmEventType[] = [
	eventType('contact.created', 'Contact Created', 'ContactCreate'),
	eventType('contact.updated', 'Contact Updated', 'ContactUpdate'),
	eventType('contact.deleted', 'Contact Deleted', 'ContactDelete'),
	eventType('contact.dnd_updated', 'Contact DND Updated', 'ContactDndUpdate'),
	eventType('contact.tag_updated', 'Contact Tag Updated', 'ContactTagUpdate'),
	eventType('opportunity.created', 'Opportunity Created', 'OpportunityCreate'),
	eventType('opportunity.updated', 'Opportunity Updated', 'OpportunityUpdate'),
	eventType('opportunity.deleted', 'Opportunity Deleted', 'OpportunityDelete'),
	eventType('opportunity.stage_changed', 'Opportunity Stage Changed', 'OpportunityStageUpdate'),
	eventType('opportunity.status_changed', 'Opportunity Status Changed (Other Statuses)', 'OpportunityStatusUpdate'),
	eventType('opportunity.won', 'Opportunity Won (Status Update)'),
	eventType('opportunity.lost', 'Opportunity Lost (Status Update)'),
	eventType('opportunity.abandoned', 'Opportunity Abandoned (Status Update)'),
	eventType('opportunity.owner_changed', 'Opportunity Assigned To Changed', 'OpportunityAssignedToUpdate'),
	eventType('opportunity.value_changed', 'Opportunity Monetary Value Changed', 'OpportunityMonetaryValueUpdate'),
	eventType('appointment.booked', 'Appointment Booked', 'AppointmentCreate'),
	eventType('appointment.updated', 'Appointment Updated', 'AppointmentUpdate'),
	eventType('appointment.cancelled', 'Appointment Cancelled (Status Update)'),
	eventType('appointment.deleted', 'Appointment Deleted', 'AppointmentDelete'),
	// Not in HighLevel's official event list; third-party integrations mention it, so it is recognised.
	eventType('form.submitted', 'Form Submitted', 'FormSubmission', 'FormSubmit'),
	eventType('invoice.paid', 'Invoice Paid (Payment Received)', 'InvoicePaid'),
	eventType('invoice.partially_paid', 'Invoice Partially Paid', 'InvoicePartiallyPaid'),
	eventType('invoice.created', 'Invoice Created', 'InvoiceCreate'),
	eventType('invoice.sent', 'Invoice Sent', 'InvoiceSent'),
	eventType('invoice.updated', 'Invoice Updated', 'InvoiceUpdate'),
	eventType('invoice.voided', 'Invoice Voided', 'InvoiceVoid'),
	eventType('invoice.deleted', 'Invoice Deleted', 'InvoiceDelete'),
	eventType('order.created', 'Order Created', 'OrderCreate'),
	eventType('order.status_changed', 'Order Status Changed', 'OrderStatusUpdate'),
	eventType('message.received', 'Conversation Message Received', 'InboundMessage'),
	eventType('message.sent', 'Conversation Message Sent', 'OutboundMessage'),
	eventType('task.created', 'Task Created', 'TaskCreate'),
	eventType('task.completed', 'Task Completed', 'TaskComplete'),
	eventType('task.deleted', 'Task Deleted', 'TaskDelete'),
	eventType('note.created', 'Note Created', 'NoteCreate'),
	eventType('note.updated', 'Note Updated', 'NoteUpdate'),
	eventType('note.deleted', 'Note Deleted', 'NoteDelete'),
	eventType('app.installed', 'App Installed', 'INSTALL', 'AppInstall'),
	eventType('app.uninstalled', 'App Uninstalled', 'UNINSTALL', 'AppUninstall'),
	eventType('workflow.webhook', 'Workflow Webhook Action', WORKFLOW_WEBHOOK),
];

/** Envelope keys: they become `event`, `eventId`, `occurredAt` and `context`, not part of the record. */
const ENVELOPE = ['type', 'webhookId', 'timestamp', 'locationId', 'companyId', 'appId', 'versionId'];

/** Status updates whose new status is itself the event users wait for. */
function derivedEvent(sourceEvent: string, record: JsonObject): string | undefined {
	const status = typeof record.status === 'string' ? record.status.toLowerCase() : '';
	if (sourceEvent === 'OpportunityStatusUpdate' && ['won', 'lost', 'abandoned'].includes(status)) {
		return `opportunity.${status}`;
	}
	const appointmentStatus = typeof record.appointmentStatus === 'string' ? record.appointmentStatus.toLowerCase() : '';
	if (sourceEvent === 'AppointmentUpdate' && appointmentStatus === 'cancelled') return 'appointment.cancelled';
	return undefined;
}

/** Maps, not objects: a sender's status or type such as `constructor` must not find Object.prototype's members. */
const INVOICE_STATUS_EVENTS = new Map(
	Object.entries({
		paid: 'InvoicePaid',
		partially_paid: 'InvoicePartiallyPaid',
		void: 'InvoiceVoid',
		sent: 'InvoiceSent',
	}),
);

/**
 * The CRM's name for a payload. The official InvoicePaid example carries no `type` (only `altId`/`altType`),
 * so an invoice is named from its status; any other untyped body comes from a workflow Webhook action.
 */
function sourceEventOf(body: JsonObject): string {
	const type = idText(body.type);
	if (type) return type;
	if (body.invoiceNumber !== undefined && body.altType !== undefined) {
		return INVOICE_STATUS_EVENTS.get(String(body.status).toLowerCase()) ?? 'InvoiceUpdate';
	}
	return WORKFLOW_WEBHOOK;
}

const ID_FIELDS = new Map(
	Object.entries({
		message: ['messageId', 'id'],
		invoice: ['_id', 'id'],
		app: ['appId'],
		contact: ['id', 'contact_id', 'contactId'],
	}),
);

function normalise(input: NormaliseInput): NormaliseResult {
	// A workflow Webhook action may use GET or DELETE, which carry the fields in the query string.
	const body = bodyValue(input) ?? queryRecord(input.query);
	if (body === undefined) return { events: [] };
	if (!isRecord(body)) return { error: 'A HighLevel webhook must be a JSON or form object' };
	const sourceName = sourceEventOf(body);
	const resolved = resolveEvent(EVENTS, sourceName);
	const isWorkflowAction = sourceName === WORKFLOW_WEBHOOK;
	// Appointment events nest the record under `appointment` (docs/webhook events/AppointmentCreate.md).
	const data = isRecord(body.appointment) ? body.appointment : without(body, ENVELOPE);
	const canonical = derivedEvent(resolved.sourceEvent, data) ?? resolved.event;
	const objectType = isWorkflowAction ? 'contact' : objectTypeOf(canonical);
	const locationId = body.locationId ?? (body.altType === 'location' ? body.altId : undefined);
	return {
		events: [
			buildEvent(
				{
					event: canonical,
					sourceEvent: resolved.sourceEvent,
					crm: 'highLevel',
					// Workflow actions send no webhookId: the body's hash, specific when the user adds a timestamp field.
					...eventIdOf(idText(body.webhookId), isoTime(body.timestamp), 'highLevel', resolved.sourceEvent, body),
					occurredAt: isoTime(body.timestamp),
					object: { type: objectType, id: firstId(objectType === 'app' ? body : data, ID_FIELDS.get(objectType) ?? ['id', '_id']) },
					data,
					context: presentValues({ locationId, companyId: body.companyId, appId: body.appId, versionId: body.versionId }),
				},
				input.receivedAt,
			),
		],
	};
}

/** The HMAC the seed's platform sends: the credential's secret and algorithm, in `X-Hmac-Signature`. */
function adaptSigning(config: SigningConfig): SigningConfig {
	return config.scheme === 'hmac' ? { ...config, headerName: 'X-Hmac-Signature' } : config;
}

export const highLevel: CrmProfile = {
	id: 'highLevel',
	displayName: 'HighLevel',
	events: EVENTS,
	defaultAuthentication: 'builtIn',
	supportedAuthentications: ['builtIn', 'signingSecret', 'bearerToken', 'apiKey', 'none'],
	builtInVerification: {
		name: 'HighLevel Signature (Published Keys)',
		description: 'Checks X-GHL-Signature (Ed25519) or the legacy x-wh-signature (RSA) with HighLevel’s public keys',
		verify: verifyHighLevelSignature,
		signatureHeaders: ['x-ghl-signature', 'x-wh-signature'],
		settingsProblems: highLevelKeyProblems,
	},
	adaptSigning,
	// Marketplace webhooks POST; a workflow Webhook action may use GET, PUT or DELETE (the help page above).
	httpMethods: ['POST', 'GET', 'PUT', 'DELETE'],
	// One path per notice, as steps in order: n8n's notices keep only <a>, <ul> and <li> of their HTML.
	setupHint: setupSteps(
		'Marketplace app',
		[
			'In your app’s Advanced Settings > Webhooks, paste this URL against the events you want.',
			'Keep Authentication on HighLevel Signature: it checks X-GHL-Signature (or the legacy x-wh-signature) with HighLevel’s published keys.',
			'If your platform confirms an API v2 subscription by sending a token to this URL, set Options > Answer Verification Handshake From (body field or query parameter) and Challenge Field to where the token arrives.',
		],
		'Repeats are dropped by their webhookId.',
	),
	setupPaths: [
		{
			authentications: ['signingSecret', 'bearerToken', 'apiKey', 'none'],
			hint: setupSteps('Workflow Webhook action (Automation > Workflows)', [
				'Add a Webhook action, paste this URL and choose POST with JSON or Form.',
				'Add a header that proves the request is yours: Authorization: Bearer (a Webhook Bearer Token credential) or an X-Hmac-Signature HMAC (a Webhook Signing Secret credential).',
				'Choose the matching Authentication here. HighLevel Signature is for Marketplace app webhooks only.',
			]),
		},
	],
	settings: ['highLevelEd25519PublicKey', 'highLevelRsaPublicKey', 'highLevelAcceptReserialisedJson'],
	normalise,
};
