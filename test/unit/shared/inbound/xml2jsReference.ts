import { Parser } from 'xml2js';

import { safeName } from '../../../../nodes/shared/inbound/xmlTree';

/**
 * xml2js with the options the triggers parsed XML with before their own sax-based parser (and
 * without its depth guard): the reference for the output shape in the unit tests and the baseline
 * in bench/. One parser, reused: parsing is synchronous.
 */
const parser = new Parser({
	async: false,
	strict: true,
	normalize: true,
	normalizeTags: true,
	explicitArray: false,
	tagNameProcessors: [safeName],
	attrNameProcessors: [safeName],
});

/** Throws what xml2js reports; a document with only whitespace gives null. */
export function parseWithXml2js(text: string): unknown {
	let result: unknown;
	parser.parseString(text, (error: unknown, value: unknown) => {
		if (error) throw error;
		result = value;
	});
	return result;
}
