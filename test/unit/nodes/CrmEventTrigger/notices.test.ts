import { CRM_PROFILES } from '../../../../nodes/shared/crm';

describe('CRM setup notices', () => {
	// n8n renders a notice as HTML: "X-Api-Key: <key>" showed as "X-Api-Key:".
	it.each(CRM_PROFILES.map((profile) => [profile.displayName, profile.setupHint]))('%s: has no text n8n would read as an HTML tag', (_name, hint) => {
		expect(hint).not.toMatch(/<[^>]*>/);
	});
});
