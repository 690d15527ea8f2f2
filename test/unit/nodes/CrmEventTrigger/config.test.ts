import { dedupeWindows } from '../../../../nodes/CrmEventTrigger/config';
import { crmProfile } from '../../../../nodes/shared/crm';

const HOUR = 3600;

describe('dedupeWindows', () => {
	it('remembers sent ids for Remember Events For, and unmarked hashes only for the CRM’s documented retry window', () => {
		expect(dedupeWindows({}, crmProfile('freshsales'))).toEqual({ windowSeconds: 72 * HOUR, hashedIdWindowSeconds: 49 * HOUR, maxEntries: 10_000 });
		expect(dedupeWindows({}, crmProfile('vtiger'))?.hashedIdWindowSeconds).toBe(7 * HOUR);
		expect(dedupeWindows({}, crmProfile('salesOs'))?.hashedIdWindowSeconds).toBe(27 * HOUR);
	});

	it('assumes an hour for a CRM that documents no retry schedule', () => {
		for (const crm of ['leadSquared', 'highLevel', 'custom']) {
			expect(dedupeWindows({}, crmProfile(crm))?.hashedIdWindowSeconds).toBe(HOUR);
		}
	});

	it('never keeps a hash longer than Remember Events For, and keeps nothing when deduplication is off', () => {
		expect(dedupeWindows({ dedupeWindowHours: 2, dedupeMaxEntries: 5 }, crmProfile('freshsales'))).toEqual({
			windowSeconds: 2 * HOUR,
			hashedIdWindowSeconds: 2 * HOUR,
			maxEntries: 5,
		});
		expect(dedupeWindows({ deduplicate: false }, crmProfile('freshsales'))).toBeUndefined();
	});
});
