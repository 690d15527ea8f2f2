import { eighteenCharacterId, organizationIdProblems } from '../../../../nodes/shared/crm/salesforceIds';

describe('Salesforce IDs', () => {
	it('extends 15-character IDs with the suffix Salesforce computes (its published example, and an org ID)', () => {
		expect(eighteenCharacterId('001D000000IRFma')).toBe('001D000000IRFmaIAH');
		expect(eighteenCharacterId('00D000000000062')).toBe('00D000000000062EAA');
		expect(eighteenCharacterId(' 00D5g000004ABCD ')).toBe('00D5g000004ABCDEA4');
	});

	it('keeps an 18-character ID whose suffix fits, ignoring the suffix case, and refuses one that does not', () => {
		expect(eighteenCharacterId('001D000000IRFmaIAH')).toBe('001D000000IRFmaIAH');
		expect(eighteenCharacterId('001D000000IRFmaiah')).toBe('001D000000IRFmaIAH');
		// One letter's case changed in the first 15: a different record, and the suffix no longer fits.
		expect(eighteenCharacterId('001D000000IRFMaIAH')).toBeUndefined();
		expect(eighteenCharacterId('001D000000IRFm')).toBeUndefined();
		expect(eighteenCharacterId('001D000000IRFma-AH')).toBeUndefined();
	});

	it('explains what is wrong with a configured organization ID', () => {
		expect(organizationIdProblems('00D5g000004ABCDEA4', 'Organization ID')).toEqual([]);
		expect(organizationIdProblems('00D5g000004ABCD', 'Organization ID')).toEqual([]);
		expect(organizationIdProblems('', 'Organization ID')[0]).toMatch(/^Organization ID is empty/);
		expect(organizationIdProblems('00D5g', 'Organization ID')[0]).toMatch(/15 or 18 letters and digits/);
		expect(organizationIdProblems('001D000000IRFmaIAH', 'Organization ID')[0]).toMatch(/must start with 00D/);
		expect(organizationIdProblems('00D5g000004ABCDAAA', 'Organization ID')[0]).toMatch(/last 3 characters/);
	});
});
