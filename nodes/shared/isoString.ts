/** '00' to '99', made once: a string built per field was most of what formatting allocated. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, '0'));
const twoDigits = (value: number) => TWO_DIGITS[value];

/**
 * Exactly `date.toISOString()`, written out from the UTC fields. V8's own costs about 0.4 µs (a
 * runtime call), against 0.15 µs here, and a request to a trigger formats two or more times (the
 * event's time, when it was received): about 3 % of a small signed request.
 */
export function isoString(date: Date): string {
	const year = date.getUTCFullYear();
	// Years that need padding or a sign, and an invalid date (NaN, which throws), are left to the built-in.
	if (!(year >= 1000 && year <= 9999)) return date.toISOString();
	const ms = date.getUTCMilliseconds();
	const millis = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`;
	return (
		`${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}` +
		`T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}.${millis}Z`
	);
}
