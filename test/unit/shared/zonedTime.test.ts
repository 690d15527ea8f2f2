import { instantOfDateTime, workflowZone } from '../../../nodes/shared/zonedTime';

const utc = (text: string) => Date.parse(text);

describe('instantOfDateTime', () => {
	it("reads n8n's date-picker value (no offset) in the given zone, summer and winter", () => {
		expect(instantOfDateTime('2026-12-31T18:00:00', 'Europe/Berlin')).toBe(utc('2026-12-31T17:00:00Z'));
		expect(instantOfDateTime('2026-07-01T18:00:00', 'Europe/Berlin')).toBe(utc('2026-07-01T16:00:00Z'));
		expect(instantOfDateTime('2026-07-01T18:00:00', 'America/New_York')).toBe(utc('2026-07-01T22:00:00Z'));
		expect(instantOfDateTime('2026-07-01T18:00:00', 'Asia/Kolkata')).toBe(utc('2026-07-01T12:30:00Z'));
		expect(instantOfDateTime('2026-07-01T18:00:00', 'UTC')).toBe(utc('2026-07-01T18:00:00Z'));
	});

	it('takes a value with an offset as written, whatever the zone', () => {
		expect(instantOfDateTime('2026-07-01T18:00:00Z', 'Europe/Berlin')).toBe(utc('2026-07-01T18:00:00Z'));
		expect(instantOfDateTime('2026-07-01T18:00:00.000+05:30', 'America/New_York')).toBe(utc('2026-07-01T12:30:00Z'));
		expect(instantOfDateTime('2026-07-01T18:00:00-0400', 'UTC')).toBe(utc('2026-07-01T22:00:00Z'));
	});

	it('reads a date alone as its midnight, and a space for the T, in the zone', () => {
		expect(instantOfDateTime('2026-12-31', 'Europe/Berlin')).toBe(utc('2026-12-30T23:00:00Z'));
		expect(instantOfDateTime(' 2026-12-31 18:00:00 ', 'Europe/Berlin')).toBe(utc('2026-12-31T17:00:00Z'));
	});

	it('crosses daylight-saving changes: the hour after a spring gap, the first of a repeated autumn hour', () => {
		// Berlin 2026: clocks go 02:00 → 03:00 on 29 March and 03:00 → 02:00 on 25 October.
		expect(instantOfDateTime('2026-03-29T01:30:00', 'Europe/Berlin')).toBe(utc('2026-03-29T00:30:00Z'));
		expect(instantOfDateTime('2026-03-29T03:30:00', 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
		expect(instantOfDateTime('2026-03-29T02:30:00', 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
		expect(instantOfDateTime('2026-10-25T02:30:00', 'Europe/Berlin')).toBe(utc('2026-10-25T00:30:00Z'));
		expect(instantOfDateTime('2026-10-25T04:00:00', 'Europe/Berlin')).toBe(utc('2026-10-25T03:00:00Z'));
		// New York 2026: 02:00 → 03:00 on 8 March, 02:00 → 01:00 on 1 November.
		expect(instantOfDateTime('2026-03-08T02:30:00', 'America/New_York')).toBe(utc('2026-03-08T07:30:00Z'));
		expect(instantOfDateTime('2026-11-01T01:30:00', 'America/New_York')).toBe(utc('2026-11-01T05:30:00Z'));
		expect(instantOfDateTime('2026-11-01T03:00:00', 'America/New_York')).toBe(utc('2026-11-01T08:00:00Z'));
	});

	it('is NaN for text that is not a date, and reads an unknown zone as UTC', () => {
		expect(instantOfDateTime('', 'UTC')).toBeNaN();
		expect(instantOfDateTime('next friday', 'Europe/Berlin')).toBeNaN();
		expect(instantOfDateTime('2026-13-01T00:00:00', 'Europe/Berlin')).toBeNaN();
		expect(instantOfDateTime('2026-07-01T18:00:00', 'Mars/Olympus_Mons')).toBe(utc('2026-07-01T18:00:00Z'));
	});
});

describe('workflowZone', () => {
	it("takes the workflow's zone, and reads 'DEFAULT' or none as the instance's, as n8n's triggers do", () => {
		expect(workflowZone('Europe/Berlin', { GENERIC_TIMEZONE: 'Asia/Tokyo' })).toBe('Europe/Berlin');
		expect(workflowZone('DEFAULT', { GENERIC_TIMEZONE: 'Asia/Tokyo' })).toBe('Asia/Tokyo');
		expect(workflowZone(undefined, {})).toBe('America/New_York');
	});
});
