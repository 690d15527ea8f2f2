import { decodeWindows1252 } from '../../../../nodes/shared/inbound/windows1252';

describe('decodeWindows1252', () => {
	it('maps 0x80–0x9F to the characters the Encoding Standard gives them, and leaves the rest as Latin-1', () => {
		const high = Buffer.from(Array.from({ length: 32 }, (_, index) => 0x80 + index));
		expect(decodeWindows1252(high)).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
		expect(decodeWindows1252(Buffer.from([0x41, 0xe9, 0xff, 0xa0]))).toBe('Aéÿ\u00a0');
		expect(decodeWindows1252(Buffer.alloc(0))).toBe('');
	});
});
