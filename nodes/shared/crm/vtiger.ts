/**
 * Vtiger CRM: a workflow's "Webhook" action (help.vtiger.com/article/146775672). The user maps
 * parameters to field values and picks the content type (XML, JSON, JSONARRAY or FORM) and Basic or no
 * authorisation; up to five related modules' records can travel in the same request, and array
 * parameters are mapped with dots (`deals.0.name`). The wire shapes of JSONARRAY and XML are not
 * documented: a JSON array becomes one event per element (or one event, by setting), and XML's root
 * element is unwrapped. Vtiger retries after 1, 2 and 4 hours; identical retries share one derived id.
 */
import { eventType } from './events';
import type { CrmEventType, CrmProfile } from './types';
import { normaliseUserBuilt, USER_BUILT_SETTINGS } from './userBuilt';
import { setupSteps } from './setupSteps';

/** Module names as Vtiger shows them (Organizations, Deals, Cases), under canonical names. */
const EVENTS: CrmEventType[] = [
	eventType('lead.created', 'Lead Created', 'Leads.created'),
	eventType('lead.updated', 'Lead Updated', 'Leads.updated'),
	eventType('contact.created', 'Contact Created', 'Contacts.created'),
	eventType('contact.updated', 'Contact Updated', 'Contacts.updated'),
	eventType('account.created', 'Organization Created', 'organization.created', 'Accounts.created'),
	eventType('account.updated', 'Organization Updated', 'organization.updated', 'Accounts.updated'),
	eventType('opportunity.created', 'Deal Created', 'deal.created', 'Potentials.created'),
	eventType('opportunity.updated', 'Deal Updated', 'deal.updated', 'Potentials.updated'),
	eventType('opportunity.won', 'Deal Won (Closed Won)', 'deal.won', 'Closed Won'),
	eventType('opportunity.lost', 'Deal Lost (Closed Lost)', 'deal.lost', 'Closed Lost'),
	eventType('ticket.created', 'Case Created', 'case.created', 'HelpDesk.created'),
	eventType('ticket.updated', 'Case Updated', 'case.updated', 'HelpDesk.updated'),
	eventType('quote.created', 'Quote Created'),
	eventType('invoice.created', 'Invoice Created'),
	eventType('sales_order.created', 'Sales Order Created', 'SalesOrder.created'),
	eventType('task.created', 'Task Created'),
	eventType('appointment.booked', 'Event Created', 'event.created', 'Events.created'),
	eventType('project.created', 'Project Created'),
];

export const vtiger: CrmProfile = {
	id: 'vtiger',
	displayName: 'Vtiger',
	events: EVENTS,
	defaultAuthentication: 'basicAuth',
	supportedAuthentications: ['basicAuth', 'none'],
	// URL to Notify methods (Vtiger's help page).
	httpMethods: ['POST', 'PUT', 'GET'],
	// Three retries, after 1, 2 and 4 hours (Vtiger's help page), read as gaps: the longer reading.
	retryWindowHours: 7,
	setupHint: setupSteps('Vtiger workflow', [
		'In Vtiger open the User Menu > Settings > Automation > Workflows, click +New Workflow > Standard, and set the module, trigger and conditions.',
		'Add Action > Webhook: URL to Notify = this URL, method POST, Content Type JSON (or JSONARRAY, XML, FORM).',
		'Authorization Type Basic Authentication with the username and password of your Webhook Basic Auth credential; pick that credential here.',
		'Under Parameters add the fields to send, including the record id (e.g. id → Record Id) and Modified Time (name it in Time Field below). Enable Related Modules to send related records in the same request.',
	]),
	settings: USER_BUILT_SETTINGS,
	normalise: (input) => normaliseUserBuilt(input, { crm: 'vtiger', events: EVENTS, expandDottedKeys: true }),
};
