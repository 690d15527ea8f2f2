import { CRM_PROFILES, crmProfile } from '../../../../nodes/shared/crm';

describe('registry', () => {
	it('holds the fourteen profiles with unique ids and valid defaults', () => {
		expect(CRM_PROFILES.map((profile) => profile.id)).toEqual([
			'salesOs',
			'leadSquared',
			'freshsales',
			'vtiger',
			'highLevel',
			'attio',
			'close',
			'hubspot',
			'salesforce',
			'pipedrive',
			'zoho',
			'dynamics',
			'standardWebhooks',
			'custom',
		]);
		for (const profile of CRM_PROFILES) {
			expect(profile.supportedAuthentications).toContain(profile.defaultAuthentication);
			expect(profile.setupHint.length).toBeGreaterThan(80);
			if (profile.supportedAuthentications.includes('builtIn')) expect(profile.builtInVerification).toBeDefined();
			for (const event of profile.events) expect(event.value).toMatch(/^[a-z0-9_]+\.[a-z0-9_]+$/);
		}
		expect(() => crmProfile('nope')).toThrow('Unknown CRM "nope"');
	});
});
