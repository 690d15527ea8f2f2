import sax from 'sax';

import type { Rejection } from '../../../../nodes/shared/inbound/rejection';
import { NAMED_ENTITIES, resolveEntity } from '../../../../nodes/shared/inbound/xmlEntities';
import type { XmlLimits } from '../../../../nodes/shared/inbound/xmlTree';
import { buildXmlTree, XmlRefused, xmlLimitsFor } from '../../../../nodes/shared/inbound/xmlTree';
import { hasDtdOrEntity } from '../../../../nodes/shared/xmlSafety';
import { buildXmlTreeWithSax } from './saxXmlTree';

/**
 * The scanner against the sax-based builder it replaced, on seeded random documents: well-formed
 * ones (every feature that shapes the tree or is refused: names, case, repeats, attributes, quotes,
 * references, whitespace, CDATA, comments, processing instructions, declarations) and the same
 * documents broken at random. Both must give the same tree, or refuse with the same status and code
 * (and a 413 with the same message), under generous limits and under tight ones, so that which
 * limit or fault answers first is compared too. DOCTYPE and ENTITY are left out: parseXml refuses
 * them before either reads. sax (a dev dependency here) is only the reference.
 */

const GENEROUS: XmlLimits = { maxDepth: 100, maxElements: 1000, maxAttributes: 1000, maxTextNodes: 1000, maxAttributeChars: 100_000 };

type Outcome = { value: string } | { status: number; code: string; message?: string };

const fromRejection = ({ status, code, message }: Rejection): Outcome => (status === 413 ? { status, code, message } : { status, code });

function withSax(text: string, limits: XmlLimits, keepTagCase: boolean): Outcome {
	try {
		return { value: JSON.stringify(buildXmlTreeWithSax(text, limits, keepTagCase)) };
	} catch (error) {
		const { rejection } = error as { rejection?: Rejection };
		// sax's own Error, which parseXml answered with a 400.
		return rejection ? fromRejection(rejection) : { status: 400, code: 'malformed_body' };
	}
}

function withScanner(text: string, limits: XmlLimits, keepTagCase: boolean): Outcome {
	try {
		return { value: JSON.stringify(buildXmlTree(text, limits, keepTagCase)) };
	} catch (error) {
		// Anything but XmlRefused is a bug in the scanner, and fails the test.
		if (!(error instanceof XmlRefused)) throw error;
		return fromRejection(error.rejection);
	}
}

/** A seeded generator, so a failure names a document that can be rebuilt. */
function generator(seed: number) {
	const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
	const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
	const upTo = (count: number) => Math.floor(random() * (count + 1));
	return { random, pick, upTo };
}

// `hasOwnProperty` is left out of the attribute names: sax failed with a TypeError on any attribute after one.
const NAMES = [
	'a',
	'A',
	'b',
	'Item',
	'item',
	'x:y',
	'sf:StageName',
	'constructor',
	'__proto__',
	'prototype',
	'toString',
	'Ä',
	'é.b-1',
	'_',
	'a_',
];
const TEXTS = ['', ' ', '  ', '\n  ', '\r\n', '\t', 'x', ' x ', 'a  b', 'a\tb', '\u00a0', 'é', 'x\n\ny', '>', ']]>', '"q\'', '0'];
const REFERENCES = ['&amp;', '&AMP;', '&lt;', '&gt;', '&quot;', '&apos;', '&nbsp;', '&eacute;', '&Eacute;', '&hellip;', '&#65;', '&#x41;'];
const MORE_REFERENCES = ['&#X1F600;', '&#0065;', '&#x0;', '&#9;', '&#32;', '&#xD800;', '&#1114111;', '&#1114112;', '&bogus;', '&;', '&#;'];
const MARKUP = [
	'<!--c-->',
	'<!---->',
	'<!-- - -->',
	'<![CDATA[x]]>',
	'<![CDATA[]]>',
	'<![cdata[ y ]]>',
	'<![CDATA[a]]]>',
	'<?pi x?>',
	'<??>',
	'<?x ??y?>',
];
const DECLARATIONS = ['<!FOO bar>', '<!>', '<!->'];
const SNIPPETS = [
	'<',
	'>',
	'&',
	'&bogus;',
	'"',
	"'",
	'/',
	'<!',
	'<?',
	'--',
	']]>',
	'=',
	' ',
	'x',
	'</',
	'<a',
	'<a>',
	'</a>',
	'&amp',
	'<!--',
	'<![CDATA[',
];

function documents(seed: number, count: number): string[] {
	const { random, pick, upTo } = generator(seed);
	const reference = () => (random() < 0.8 ? pick(REFERENCES) : pick(MORE_REFERENCES));
	const text = () => {
		const roll = random();
		if (roll < 0.15) return pick(MARKUP);
		if (roll < 0.2) return pick(DECLARATIONS);
		if (roll < 0.35) return pick(TEXTS) + reference() + pick(TEXTS);
		return pick(TEXTS);
	};
	const value = () => Array.from({ length: upTo(2) }, () => (random() < 0.3 ? reference() : pick([...TEXTS, '<', 'v']))).join('');
	const attribute = () => {
		const quote = random() < 0.7 ? '"' : "'";
		const equals = pick(['=', '=', ' = ', '\n=\t']);
		return `${pick([' ', ' ', '  ', '\n', '\t'])}${pick([...NAMES, 'id', 'ID'])}${equals}${quote}${value().replaceAll(quote, '')}${quote}`;
	};
	const element = (depth: number): string => {
		const name = pick(NAMES);
		const open = `<${random() < 0.05 ? ' ' : ''}${name}${random() < 0.6 ? '' : Array.from({ length: upTo(3) }, attribute).join('')}`;
		if (random() < 0.2) return `${open}${pick(['', ' '])}/>`;
		const inner = Array.from({ length: depth > 3 ? 0 : upTo(3) }, () => (random() < 0.5 ? text() : '') + element(depth + 1)).join('');
		return `${open}${pick(['', '', ' '])}>${inner}${random() < 0.6 ? text() : ''}</${name}${pick(['', '', ' ', '\n'])}>`;
	};
	const prolog = () => pick(['', '', '\ufeff', '<?xml version="1.0"?>\n', ' \n', '<!-- head -->']);
	const epilog = () => pick(['', '', '\n', ' <!-- tail --> ', '<?pi?>', '<![CDATA[z]]>']);
	return Array.from({ length: count }, () => prolog() + element(0) + epilog());
}

/** Breaks a document in one to three places: an inserted snippet, a cut, a repeated piece or an early end. */
function broken(text: string, seed: number): string {
	const { random, pick, upTo } = generator(seed);
	let result = text;
	for (let change = 0; change <= upTo(2); change++) {
		const at = upTo(result.length);
		const roll = random();
		if (roll < 0.5) result = result.slice(0, at) + pick(SNIPPETS) + result.slice(at);
		else if (roll < 0.75) result = result.slice(0, at) + result.slice(at + 1 + upTo(4));
		else if (roll < 0.9) result = result.slice(0, at) + result.slice(Math.max(0, at - 8), at) + result.slice(at);
		else result = result.slice(0, at);
	}
	return result;
}

/** Small limits, so that documents reach them, each limit in turn, at every place one can be reached. */
function tightLimits(seed: number): XmlLimits {
	const { random, upTo } = generator(seed);
	const maybe = (small: number, generous: number) => (random() < 0.4 ? small : generous);
	return {
		maxDepth: maybe(1 + upTo(4), 100),
		maxElements: maybe(1 + upTo(8), 1000),
		maxAttributes: maybe(upTo(4), 1000),
		maxTextNodes: maybe(upTo(6), 1000),
		maxAttributeChars: maybe(upTo(20), 100_000),
	};
}

describe('the XML scanner against the sax-based builder it replaced', () => {
	it('gives the same tree, or refuses with the same answer, on 6,000 generated documents and 12,000 broken ones', () => {
		const tally = { accepted: 0, refused: 0, tooMany: 0 };
		for (const [index, text] of documents(11, 6000).entries()) {
			for (const [variant, candidate] of [text, broken(text, index), broken(text, index + 7919)].entries()) {
				if (hasDtdOrEntity(candidate)) throw new Error(`generated a DOCTYPE or ENTITY: ${candidate}`);
				const keepTagCase = index % 3 === 0;
				for (const limits of [GENEROUS, tightLimits(index * 3 + variant)]) {
					const expected = withSax(candidate, limits, keepTagCase);
					expect({ text: candidate, limits, outcome: withScanner(candidate, limits, keepTagCase) }).toEqual({
						text: candidate,
						limits,
						outcome: expected,
					});
					if ('value' in expected) tally.accepted++;
					else if (expected.status === 413) tally.tooMany++;
					else tally.refused++;
				}
			}
		}
		// Enough of each kind that the comparison means something.
		expect(tally.accepted).toBeGreaterThan(5000);
		expect(tally.refused).toBeGreaterThan(5000);
		expect(tally.tooMany).toBeGreaterThan(2000);
	});

	it('resolves the same named entities as sax did, and no more', () => {
		const saxEntities = (sax as unknown as { ENTITIES: Record<string, string> }).ENTITIES;
		expect(Object.fromEntries(NAMED_ENTITIES)).toEqual({ ...saxEntities });
		expect(resolveEntity('constructor')).toBeUndefined();
		expect(resolveEntity('__proto__')).toBeUndefined();
	});

	it("refuses a DOCTYPE itself, should one reach it past parseXml's own check", () => {
		const limits = xmlLimitsFor(100, 100);
		for (const body of ['<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>', '<r><!doctype r></r>'])
			expect([body, withScanner(body, limits, false)]).toEqual([body, expect.objectContaining({ status: 400, code: 'malformed_body' })]);
	});

	it('refuses a hostile body at the limit without reading the rest', () => {
		const limits = xmlLimitsFor(100, 100);
		// Past the limit the body is broken: an answer about the break would mean the scanner read on.
		const broken = `<r>${'<a>1</a>'.repeat(1_000)}</b>`;
		expect(withScanner(broken, limits, false)).toMatchObject({ status: 413, code: 'xml_too_many_elements' });
		expect(withScanner(`<r>${'<a>1</a>'.repeat(10)}</b>`, limits, false)).not.toMatchObject({ code: 'xml_too_many_elements' });
	});
});
