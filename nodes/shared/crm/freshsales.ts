/**
 * Freshsales (Freshworks CRM): a workflow's "Trigger Webhook" action
 * (crmsupport.freshworks.com/en/support/solutions/articles/50000002418). The user picks the request type,
 * the encoding (JSON, XML or X-FORM-ENCODED) and the fields sent, so there is no event field, id or
 * signature: the event comes from the node's settings, and the sender authenticates with Basic auth or a
 * custom header. Freshsales retries a failed request for an hour, then for two days; identical retries
 * share one derived event id.
 */
import { eventType } from './events';
import type { CrmEventType, CrmProfile } from './types';
import { normaliseUserBuilt, USER_BUILT_SETTINGS } from './userBuilt';
import { setupSteps } from './setupSteps';

/** Freshsales calls opportunities deals; both names are recognised in an event field. */
const EVENTS: CrmEventType[] = [
	eventType('contact.created', 'Contact Created'),
	eventType('contact.updated', 'Contact Updated'),
	eventType('contact.deleted', 'Contact Deleted'),
	eventType('account.created', 'Account Created', 'sales_account.created', 'Sales Account Created'),
	eventType('account.updated', 'Account Updated', 'sales_account.updated', 'Sales Account Updated'),
	eventType('account.deleted', 'Account Deleted', 'sales_account.deleted', 'Sales Account Deleted'),
	eventType('opportunity.created', 'Deal Created', 'deal.created'),
	eventType('opportunity.updated', 'Deal Updated', 'deal.updated'),
	eventType('opportunity.stage_changed', 'Deal Stage Changed', 'deal.stage_changed'),
	eventType('opportunity.won', 'Deal Won', 'deal.won'),
	eventType('opportunity.lost', 'Deal Lost', 'deal.lost'),
	eventType('opportunity.deleted', 'Deal Deleted', 'deal.deleted'),
	eventType('lead.created', 'Lead Created'),
	eventType('lead.updated', 'Lead Updated'),
	eventType('task.created', 'Task Created'),
	eventType('task.completed', 'Task Completed'),
	eventType('appointment.booked', 'Appointment Created', 'appointment.created'),
	eventType('sales_activity.created', 'Sales Activity Created'),
];

export const freshsales: CrmProfile = {
	id: 'freshsales',
	displayName: 'Freshsales',
	events: EVENTS,
	defaultAuthentication: 'basicAuth',
	supportedAuthentications: ['basicAuth', 'apiKey', 'bearerToken', 'none'],
	// The Trigger Webhook action's request types (Freshsales' help page).
	httpMethods: ['POST', 'PUT', 'GET', 'DELETE'],
	// Retries for an hour, then for the next 2 days (Freshsales' help page).
	retryWindowHours: 49,
	setupHint: setupSteps('Freshsales workflow, Basic authentication', [
		'In Freshsales open Admin Settings > Workflows and create a workflow for the record type and trigger you want.',
		'Add the action Trigger Webhook: Request type POST, Callback URL = this URL, Encoding JSON, XML or X-FORM-ENCODED, Content Simple with the fields to send, including the record id and its Updated at time (name that field in Time Field below).',
		'Under Authentication enter the username and password of your Webhook Basic Auth credential, and pick that credential here.',
		'Use one URL per event (Event From: This URL), or send the event name in a field or query parameter and name it below.',
	]),
	setupPaths: [
		{
			authentications: ['apiKey', 'bearerToken', 'none'],
			hint: setupSteps('Freshsales workflow, header key', [
				'In Freshsales open Admin Settings > Workflows and create a workflow for the record type and trigger you want.',
				'Add the action Trigger Webhook: Request type POST, Callback URL = this URL, Encoding JSON, XML or X-FORM-ENCODED, Content Simple with the fields to send, including the record id and its Updated at time (name that field in Time Field below).',
				'Under Add custom headers add X-Api-Key: <key> with the name and key of your Webhook Key Auth API credential (or Authorization: Bearer <token> for a bearer token), and pick that credential here.',
				'Use one URL per event (Event From: This URL), or send the event name in a field or query parameter and name it below.',
			]),
		},
	],
	settings: USER_BUILT_SETTINGS,
	normalise: (input) => normaliseUserBuilt(input, { crm: 'freshsales', events: EVENTS, expandDottedKeys: false }),
};
