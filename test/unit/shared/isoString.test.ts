import { isoString } from '../../../nodes/shared/isoString';

describe('isoString', () => {
	it('writes what Date#toISOString writes', () => {
		const times = [
			0,
			1,
			999,
			1_000,
			59_999,
			946_684_799_999,
			Date.UTC(2024, 1, 29, 23, 59, 59, 7),
			Date.UTC(9999, 11, 31, 23, 59, 59, 999),
		];
		for (let index = 0; index < 2_000; index++) times.push(Math.floor(Math.random() * 253_402_300_800_000));
		for (const time of times) expect(isoString(new Date(time))).toBe(new Date(time).toISOString());
	});

	it('leaves years outside 1000 to 9999 to the built-in format', () => {
		for (const time of [Date.UTC(999, 0, 1), -1, -62_198_755_200_000, Date.UTC(10_000, 0, 1), 8.64e15]) {
			expect(isoString(new Date(time))).toBe(new Date(time).toISOString());
		}
	});

	it('throws for an invalid date, as the built-in does', () => {
		expect(() => isoString(new Date(Number.NaN))).toThrow(RangeError);
	});
});
