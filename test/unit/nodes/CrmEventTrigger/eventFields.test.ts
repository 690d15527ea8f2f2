import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';

const { properties } = new CrmEventTrigger().description;

/** The labels of the event fields n8n's editor shows for these parameters. */
function eventFieldsShown(parameters: INodeParameters): string[] {
	return properties
		.filter((property) => ['eventNames', 'fixedEvent', 'events'].some((name) => property.name.startsWith(name)))
		.filter((property) => NodeHelpers.displayParameter(parameters, property, { typeVersion: 1 }, { properties } as never))
		.map((property) => property.displayName);
}

describe('CRM Event Trigger event fields', () => {
	it.each(['vtiger', 'freshsales'])('%s: shows only the fixed Event when the URL names it, only the Events filter otherwise', (crm) => {
		const fixed = eventFieldsShown({ crm, eventSource: 'fixed' });
		expect(fixed).not.toContain('Events');
		expect(fixed).toHaveLength(1);
		expect(eventFieldsShown({ crm, eventSource: 'field' })).toEqual(['Events']);
	});
});
