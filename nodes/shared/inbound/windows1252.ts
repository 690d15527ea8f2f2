/**
 * Windows-1252, which the Encoding Standard (and every browser) uses for the labels iso-8859-1, latin1 and
 * windows-1252: Latin-1 but for 0x80–0x9F, which hold € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ
 * instead of invisible control characters. Node's own decoders do not all agree, so the table is here.
 */
const HIGH_CONTROLS =
	'\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
	'\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Buffer): string {
	const latin1 = bytes.toString('latin1');
	// Most bodies have no byte in 0x80–0x9F: one scan, no copy.
	if (!/[\u0080-\u009f]/.test(latin1)) return latin1;
	return latin1.replace(/[\u0080-\u009f]/g, (char) => HIGH_CONTROLS[char.charCodeAt(0) - 0x80]);
}
