/**
 * Salesforce record and organization IDs: 15 case-sensitive characters, or 18 with a 3-character suffix
 * that encodes which of the 15 are upper case (the form the API and outbound messages use). Salesforce's
 * help article "What is a Salesforce ID" describes the suffix; `001D000000IRFma` is `001D000000IRFmaIAH`.
 */
const SUFFIX_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_15 = /^[a-zA-Z0-9]{15}$/;
const ID_18 = /^[a-zA-Z0-9]{18}$/;

/** Each group of five characters gives one suffix character: bit i set when character i is an upper-case letter. */
function suffixOf(id15: string): string {
	let suffix = '';
	for (let group = 0; group < 3; group++) {
		let bits = 0;
		for (let position = 0; position < 5; position++) {
			const character = id15[group * 5 + position];
			if (character >= 'A' && character <= 'Z') bits |= 1 << position;
		}
		suffix += SUFFIX_CHARACTERS[bits];
	}
	return suffix;
}

/**
 * The 18-character form of an ID given in either form; undefined when it is neither, or when an 18-character
 * ID's suffix does not fit its first 15 characters (a typo). The suffix is compared ignoring case, as
 * Salesforce reads 18-character IDs.
 */
export function eighteenCharacterId(id: string): string | undefined {
	const trimmed = id.trim();
	if (ID_15.test(trimmed)) return trimmed + suffixOf(trimmed);
	if (!ID_18.test(trimmed)) return undefined;
	const head = trimmed.slice(0, 15);
	const suffix = suffixOf(head);
	return trimmed.slice(15).toUpperCase() === suffix ? head + suffix : undefined;
}

/** What is wrong with a configured organization ID, in plain language naming the field; empty when usable. */
export function organizationIdProblems(id: string | undefined, field: string): string[] {
	const trimmed = (id ?? '').trim();
	if (trimmed === '') return [`${field} is empty: copy it from Salesforce Setup > Company Information`];
	if (!ID_15.test(trimmed) && !ID_18.test(trimmed)) return [`${field} must be 15 or 18 letters and digits, e.g. 00D5g000004ABCDEA4`];
	if (!trimmed.startsWith('00D')) return [`${field} must start with 00D: that is the prefix of organization IDs`];
	if (!eighteenCharacterId(trimmed)) return [`${field}: the last 3 characters do not fit the first 15; copy the ID again`];
	return [];
}
