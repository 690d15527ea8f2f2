import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { CRM_PROFILES } from '../../../../nodes/shared/crm';

/** n8n's node creator (editor-ui useActionsGenerator) takes a trigger's entries from this property. */
const LABELS = ['event', 'events', 'trigger on'];
const { properties } = new CrmEventTrigger().description;

describe('CRM Event Trigger in the node panel', () => {
	const listed = properties.find((property) => LABELS.includes(property.displayName.toLowerCase()));

	it('lists one entry per CRM, each setting the CRM selector', () => {
		expect(listed).toMatchObject({ name: 'crm', type: 'hidden' });
		expect(listed?.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual(
			CRM_PROFILES.map((profile) => profile.id),
		);
		expect(listed?.options?.map((option) => ('action' in option ? option.action : undefined))).toContain('On a Vtiger event');
	});

	it('agrees with the visible CRM selector on the default', () => {
		const visible = properties.filter((property) => property.name === 'crm' && property.type === 'options');
		expect(visible).toHaveLength(1);
		expect(listed?.default).toBe(visible[0].default);
	});
});
