/**
 * Guards applied before any XML is parsed, by the triggers (request bodies) and by the Outbound
 * Webhook node (response capture): no DTDs or entity declarations (they are how XXE and "billion
 * laughs" attacks work) and a bounded nesting depth.
 */
export const MAX_XML_DEPTH = 100;

const DOCTYPE_OR_ENTITY = /<!\s*(DOCTYPE|ENTITY)/i;

/** True when the text declares a DTD or an entity anywhere. */
export const hasDtdOrEntity = (text: string) => DOCTYPE_OR_ENTITY.test(text);
const TAG = /<(\/?)[A-Za-z_][^<>]*?(\/?)>/g;

/** A plain-language reason to refuse the document, or undefined when it may be parsed. */
export function xmlSafetyProblem(text: string, maxDepth = MAX_XML_DEPTH): string | undefined {
	if (hasDtdOrEntity(text)) return 'the XML contains a DOCTYPE or ENTITY declaration, which is refused for safety';
	let depth = 0;
	for (const match of text.matchAll(TAG)) {
		if (match[1]) depth--;
		else if (!match[2] && ++depth > maxDepth) return `the XML is nested deeper than ${maxDepth} levels`;
	}
	return undefined;
}
