import { hasDtdOrEntity } from '../xmlSafety';
import type { Parsed } from './rejection';
import { reject } from './rejection';
import { buildXmlTree, DEFAULT_MAX_XML_ELEMENTS, XmlRefused, xmlLimitsFor } from './xmlTree';

/**
 * XML in the shape n8n's own Webhook node gives (lower-case tags, no arrays for single children),
 * made safe for hostile input:
 * - any DOCTYPE or ENTITY declaration is refused before parsing, which rules out billion-laughs
 *   expansion and external entities (XXE); the reader never fetches anything either;
 * - depth, elements, attributes and text nodes are counted while parsing, and parsing stops at the
 *   first one past its limit;
 * - the size is already bounded by the body reader.
 */

/** An unexpected error (the reader throws XmlRefused for what it refuses): its first line only. */
const describe = (error: unknown) =>
	`Malformed XML: ${String((error as Error)?.message ?? error)
		.split('\n')[0]
		.slice(0, 80)}`;

export interface XmlReading {
	/** Added to a 413's message: how the reader can get past the limit. */
	limitAdvice?: string;
	/** Tag names as sent instead of lower-cased (see buildXmlTree). */
	keepTagCase?: boolean;
}

/**
 * Parses XML text; past `maxElements`, attributes and text nodes are refused in proportion
 * (xmlLimitsFor).
 */
export function parseXml(
	text: string,
	maxDepth: number,
	maxElements = DEFAULT_MAX_XML_ELEMENTS,
	{ limitAdvice, keepTagCase }: XmlReading = {},
): Parsed {
	if (hasDtdOrEntity(text)) {
		return reject(400, 'malformed_body', 'XML with a DOCTYPE or ENTITY declaration is refused');
	}
	try {
		return { value: buildXmlTree(text, xmlLimitsFor(maxElements, maxDepth), keepTagCase) };
	} catch (error) {
		if (!(error instanceof XmlRefused)) return reject(400, 'malformed_body', describe(error));
		const { rejection } = error;
		return rejection.status === 413 && limitAdvice ? { ...rejection, message: `${rejection.message}; ${limitAdvice}` } : rejection;
	}
}
