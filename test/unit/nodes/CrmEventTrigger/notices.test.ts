import { NodeHelpers } from 'n8n-workflow';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { CRM_PROFILES } from '../../../../nodes/shared/crm';

describe('CRM setup notices', () => {
	// n8n renders a notice as HTML: "X-Api-Key: <key>" showed as "X-Api-Key:".
	const hints = CRM_PROFILES.flatMap((profile) => [profile.setupHint, ...(profile.setupPaths ?? []).map((path) => path.hint)].map((hint) => [profile.displayName, hint]));

	// n8n's notices keep <a>, <ul> and <li> and drop every other tag with its meaning.
	it.each(hints)('%s: has no text n8n would read as an HTML tag, other than a list of steps', (_name, hint) => {
		expect(hint.replace(/<\/?(ul|li)>/g, '')).not.toMatch(/<[^>]*>/);
	});
});

describe('HighLevel setup notices', () => {
	const { properties } = new CrmEventTrigger().description;
	const shown = (authentication: string) =>
		properties
			.filter((property) => property.type === 'notice' && property.name.startsWith('setupNotice_'))
			.filter((property) => NodeHelpers.displayParameter({ crm: 'highLevel', authentication }, property, { typeVersion: 1 }, { properties } as never))
			.map((property) => property.displayName.split('<ul>')[0]);

	it('shows one setup path at a time, the one the chosen Authentication belongs to', () => {
		expect(shown('builtIn')).toEqual(['Marketplace app:']);
		expect(shown('bearerToken')).toEqual(['Workflow Webhook action (Automation > Workflows):']);
		expect(shown('signingSecret')).toEqual(['Workflow Webhook action (Automation > Workflows):']);
	});
});
