import type { INodeProperties } from 'n8n-workflow';

import { CRM_PROFILES } from '../shared/crm';

/** "an Attio event", "a SalesOS event": by the first letter, which fits every CRM name here. */
const article = (name: string) => (/^[AEIOU]/i.test(name) ? 'an' : 'a');

/**
 * One entry per CRM in n8n's node panel. The node creator lists a trigger's choices from the first
 * property labelled "Event", "Events" or "Trigger On" (editor-ui useActionsGenerator), and picking
 * one sets that property's value on the new node. This copy of the CRM selector is hidden in the
 * parameter panel and shares the `crm` parameter with the visible one, so "On a Vtiger event" adds
 * the trigger with Vtiger selected. Without it the panel listed the first CRM's events only.
 */
export const crmActionsProperty: INodeProperties = {
	displayName: 'Trigger On',
	name: 'crm',
	type: 'hidden',
	noDataExpression: true,
	options: CRM_PROFILES.map((profile) => ({
		name: profile.displayName,
		value: profile.id,
		action:
			profile.id === 'custom' ? 'On an event from another CRM (Custom)' : `On ${article(profile.displayName)} ${profile.displayName} event`,
		description: `Starts the workflow on verified ${profile.displayName} webhooks`,
	})),
	// The visible selector's default (the first profile); a unit test keeps the two equal.
	default: 'salesOs',
};
