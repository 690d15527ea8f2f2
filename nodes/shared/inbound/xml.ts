import { Parser } from 'xml2js';

import { hasDtdOrEntity } from '../xmlSafety';
import type { Parsed } from './rejection';
import { reject } from './rejection';

/**
 * XML through xml2js with n8n's own options (lower-case tags, no arrays for single children), made
 * safe for hostile input:
 * - any DOCTYPE or ENTITY declaration is refused before parsing, which rules out billion-laughs
 *   expansion and external entities (XXE); sax, under xml2js, never fetches anything either;
 * - nesting is limited while parsing;
 * - the size is already bounded by the body reader.
 */
const DANGEROUS_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const safeName = (name: string) => (DANGEROUS_NAMES.has(name) ? `sanitized_${name}` : name);

class TooDeep extends Error {}

interface SaxParser {
	errThrown: boolean;
	onopentag: (node: unknown) => void;
	onclosetag: (name: string) => void;
}
type ResettableParser = Parser & { saxParser: SaxParser; reset: () => void };

/**
 * One xml2js parser reused for every request (parsing is synchronous, so calls never overlap).
 * xml2js builds a fresh sax parser on each reset; the depth counter is wrapped around each one.
 */
function createParser(): { parser: ResettableParser; limit: { maxDepth: number } } {
	const limit = { maxDepth: 1000 };
	const parser = new Parser({
		async: false,
		strict: true,
		normalize: true,
		normalizeTags: true,
		explicitArray: false,
		tagNameProcessors: [safeName],
		attrNameProcessors: [safeName],
	}) as ResettableParser;
	const instrument = () => {
		const sax = parser.saxParser;
		const open = sax.onopentag;
		const close = sax.onclosetag;
		let depth = 0;
		let rootClosed = false;
		sax.onopentag = (node) => {
			// xml2js returns at the first root's end and would drop a second root unnoticed.
			if (depth === 0 && rootClosed) throw new Error('More than one root element');
			if (++depth > limit.maxDepth) throw new TooDeep();
			open(node);
		};
		sax.onclosetag = (name) => {
			if (--depth === 0) rootClosed = true;
			close(name);
		};
	};
	const reset = parser.reset;
	parser.reset = () => {
		reset();
		instrument();
	};
	instrument();
	return { parser, limit };
}

const shared = createParser();

/** sax messages end with "Char: <the offending character>"; keep only what and where. */
function describe(error: unknown): string {
	const lines = String((error as Error)?.message ?? error).split('\n');
	const where = lines.filter((line) => /^(Line|Column): \d+$/.test(line)).join(', ');
	return `Malformed XML: ${lines[0].slice(0, 80)}${where ? ` (${where})` : ''}`;
}

export function parseXml(text: string, maxDepth: number): Parsed {
	if (hasDtdOrEntity(text)) {
		return reject(400, 'malformed_body', 'XML with a DOCTYPE or ENTITY declaration is refused');
	}
	shared.limit.maxDepth = maxDepth;
	let outcome: { value: unknown } | { error: unknown } | undefined;
	try {
		shared.parser.parseString(text, (error: unknown, value: unknown) => {
			outcome ??= error ? { error } : { value };
		});
	} catch (error) {
		outcome = { error };
	}
	// xml2js delivers the result when the root closes and swallows a later error (text or a second
	// root after it); it only leaves this flag set on the fresh sax parser.
	if (shared.parser.saxParser.errThrown) outcome = { error: 'Content after the root element' };
	if (!outcome || 'error' in outcome) {
		// A failed parse can leave xml2js's shared sax parser half-way; start the next one clean.
		shared.parser.reset();
		const error = outcome?.error;
		return reject(
			400,
			'malformed_body',
			error instanceof TooDeep ? `XML nests deeper than ${maxDepth} levels` : describe(error ?? 'unfinished document'),
		);
	}
	return { value: outcome.value ?? {} };
}
