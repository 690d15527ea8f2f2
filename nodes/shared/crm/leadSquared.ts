/**
 * LeadSquared (apidocs.leadsquared.com/webhooks). LeadSquared appends `entityType`, `entityId` and
 * `eventType` to the URL; the body is JSON, form or text/plain. Activities of one minute arrive together as a
 * JSON array, so each element becomes its own event. There is no signature: the user adds a custom header
 * and secret. LeadSquared counts only HTTP 200 as delivered and expects `{"Status":"Success","StatusReason":""}`
 * (apidocs.leadsquared.com/webhook-best-practices).
 *
 * Event names: the documented `eventType` values are `SalesActivity_Post_Create|Update|Cancel`; the other
 * names below are the `WebhookEvent` names of LeadSquared's Webhook.svc Retrieve API, which are the best
 * evidence of what `eventType` carries but are not confirmed for deliveries. Names marked "assumed" follow
 * the same pattern and are not documented at all. Unknown names still produce an event
 * (`AccountActivity_Post_Create` → `account_activity.created`).
 */
import { buildEvent, eventIdOf, eventType, firstId, idText, isoTime, isRecord, objectTypeOf, presentValues, resolveEvent } from './events';
import { bodyValue, recordsOf } from './records';
import type { CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult, NormalisedEvent } from './types';
import { setupSteps } from './setupSteps';

/** The 36 events of the LeadSquared webhook docs (display names as LeadSquared lists them), then the documented sales activity events. */
const EVENTS: CrmEventType[] = [
	eventType('account_activity.created', 'Account Activity Create', 'AccountActivity_Post_Create'), // assumed
	eventType('account_activity.updated', 'Account Activity Update', 'AccountActivity_Post_Update'), // assumed
	eventType('account.created', 'Account Create', 'Account_Post_Create', 'Account_Create'), // assumed
	eventType('account.deleted', 'Account Delete', 'Account_Delete', 'Account_Post_Delete'), // assumed
	eventType('account.updated', 'Account Update', 'Account_Post_Update', 'Account_Update'), // assumed
	eventType('form.submitted', 'Landing Page Submission', 'Landing_Page_submission'),
	eventType('lead_activity.created', 'Lead Activity Creation', 'LeadActivity_Post_Create'),
	eventType('lead_activity.updated', 'Lead Activity Update', 'LeadActivity_Post_Update'),
	eventType('lead.created', 'Lead Creation', 'Lead_Post_Create'),
	eventType('lead.deleted', 'Lead Delete', 'Lead_Delete'),
	eventType('lead.field_changed', 'Lead Field Value Change', 'Lead_Field_Change'),
	eventType('lead.merged', 'Lead Merge', 'Lead_Merge'),
	eventType('lead.owner_changed', 'Lead Ownership Change', 'Lead_Owner_Change'),
	eventType('lead.score_changed', 'Lead Score Change', 'Lead_Score_Change'),
	eventType('lead.stage_changed', 'Lead Stage Change', 'Lead_Post_Stage_Change'),
	eventType('lead.updated', 'Lead Update', 'Lead_Post_Update'),
	eventType('leave.created', 'Leave Create', 'Leave_Create'),
	eventType('leave.deleted', 'Leave Delete', 'Leave_Delete'),
	eventType('leave.updated', 'Leave Update', 'Leave_Update'),
	eventType('opportunity.created', 'Opportunity Create', 'Opportunity_Post_Create'),
	eventType('opportunity.deleted', 'Opportunity Delete', 'Opportunity_Post_Delete'),
	eventType('opportunity.field_changed', 'Opportunity Field Value Change', 'OpportunityField_Post_Update'),
	eventType('opportunity.stage_changed', 'Opportunity Stage/Status Change', 'OpportunityStage_Post_Update'),
	eventType('opportunity.updated', 'Opportunity Update', 'Opportunity_Post_Update'),
	eventType('product.created', 'Product Create', 'Product_Post_Create'),
	eventType('product.deleted', 'Product Delete', 'Product_Delete'),
	eventType('product.updated', 'Product Update', 'Product_Post_Update'),
	eventType('task.cancelled', 'Task Cancel', 'Task_Cancel'), // assumed
	eventType('task.completed', 'Task Complete', 'Task_Complete'),
	eventType('task.created', 'Task Create', 'Task_Create'),
	eventType('task.reminder', 'Task Reminder', 'Task_Reminder'),
	eventType('task.updated', 'Task Update', 'Task_Update'),
	eventType('user.status_changed', 'User Activate/Deactivate', 'User_Active_Status_Change'),
	eventType('user.availability_changed', 'User Availability Status Change', 'User_Availability_Status_Change'), // assumed
	eventType('user.created', 'User Create', 'User_Create'),
	eventType('user.updated', 'User Update', 'User_Update'),
	eventType('sales_activity.created', 'Sales Activity Create', 'SalesActivity_Post_Create'),
	eventType('sales_activity.updated', 'Sales Activity Update', 'SalesActivity_Post_Update'),
	eventType('sales_activity.cancelled', 'Sales Activity Cancel', 'SalesActivity_Post_Cancel'),
];

/**
 * Id fields by object type; activity webhooks carry `ProspectActivityId` (truefan-crm CallingPipeline.gs).
 * A Map: the object type comes from the sender's eventType, and `constructor` must find nothing.
 */
const ID_FIELDS = new Map<string, string[]>(
	Object.entries({
		lead: ['ProspectID', 'ProspectId'],
		form: ['ProspectID', 'ProspectId'],
		lead_activity: ['ProspectActivityId', 'ActivityId', 'Id'],
		account_activity: ['ProspectActivityId', 'ActivityId', 'Id'],
		sales_activity: ['ProspectActivityId', 'ActivityId', 'Id'],
		opportunity: ['OpportunityId', 'ProspectOpportunityId', 'ProspectActivityId', 'Id'],
		task: ['UserTaskId', 'TaskId', 'Id'],
		user: ['UserId', 'ID', 'Id'],
		account: ['CompanyId', 'AccountId', 'Id'],
	}),
);
const FALLBACK_ID_FIELDS = ['Id', 'ID', 'id'];

const firstQueryValue = (value: unknown): string => {
	const single = Array.isArray(value) ? value[0] : value;
	return typeof single === 'string' ? single : '';
};

function toEvent(record: JsonObject, eventType: string, entityId: string, input: NormaliseInput): NormalisedEvent {
	const { event: canonical, sourceEvent } = resolveEvent(EVENTS, eventType);
	const objectType = objectTypeOf(canonical);
	// Lead Field Value Change sends two full snapshots, { Before, After } (truefan-crm CallingPipeline.gs).
	const changed = isRecord(record.After) ? record.After : undefined;
	const data = changed ?? record;
	return buildEvent(
		{
			event: canonical,
			sourceEvent,
			crm: 'leadSquared',
			// No id is sent; ModifiedOn, the time of the change, makes the record's hash specific (CreatedOn does not for updates).
			...eventIdOf(null, isoTime(data.ModifiedOn), 'leadSquared', sourceEvent, entityId, record),
			occurredAt: isoTime(data.ModifiedOn) ?? isoTime(data.CreatedOn),
			object: { type: objectType, id: firstId(data, [...(ID_FIELDS.get(objectType) ?? []), ...FALLBACK_ID_FIELDS]) },
			data,
			...(changed && isRecord(record.Before) ? { previous: record.Before } : {}),
			context: presentValues({
				entityType: firstQueryValue(input.query.entityType),
				entityId,
				relatedLeadId: idText(data.RelatedProspectId),
			}),
		},
		input.receivedAt,
	);
}

function normalise(input: NormaliseInput): NormaliseResult {
	const eventType = firstQueryValue(input.query.eventType);
	const entityId = firstQueryValue(input.query.entityId);
	const records = recordsOf(bodyValue(input));
	// LeadSquared checks a new URL with a request that has no body: answer it, start nothing.
	if (records.length === 0) return { events: [] };
	if (eventType === '') {
		return {
			error:
				'The URL has no eventType query parameter. LeadSquared appends entityType, entityId and eventType to every delivery; paste the URL unchanged.',
		};
	}
	return { events: records.map((record) => toEvent(record, eventType, entityId, input)) };
}

export const leadSquared: CrmProfile = {
	id: 'leadSquared',
	displayName: 'LeadSquared',
	events: EVENTS,
	defaultAuthentication: 'apiKey',
	supportedAuthentications: ['apiKey', 'bearerToken', 'basicAuth', 'none'],
	setupHint: setupSteps(
		'LeadSquared webhook',
		[
			'In LeadSquared open My Account > Settings > API and Webhooks > Webhooks and create a webhook for the Event you want.',
			'Paste this URL as Webhook URL (LeadSquared adds entityType, entityId and eventType to it) and choose Content Type application/json.',
			'Under Custom Headers add the header name and secret of your Webhook Key Auth API credential, and pick that credential here.',
		],
		'Activities of one minute arrive together and become one event each. Every accepted delivery is answered 200 {"Status":"Success","StatusReason":""} as LeadSquared requires.',
	),
	// LeadSquared posts; its best practices ask endpoints to answer HEAD "handshakes" too.
	httpMethods: ['POST', 'HEAD'],
	defaultResponse: { status: 200, body: { Status: 'Success', StatusReason: '' } },
	settings: [],
	normalise,
};
