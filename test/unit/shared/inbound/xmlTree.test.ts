import type { XmlLimits } from '../../../../nodes/shared/inbound/xmlTree';
import { buildXmlTree, XmlRefused, xmlLimitsFor } from '../../../../nodes/shared/inbound/xmlTree';
import { parseWithXml2js } from './xml2jsReference';

const GENEROUS: XmlLimits = { maxDepth: 100, maxElements: 1000, maxAttributes: 1000, maxTextNodes: 1000, maxAttributeChars: 100_000 };

/** The rejection buildXmlTree threw, or undefined when it returned a value. */
function refusal(text: string, limits: Partial<XmlLimits>) {
	try {
		buildXmlTree(text, { ...GENEROUS, ...limits });
		return undefined;
	} catch (error) {
		if (error instanceof XmlRefused) return error.rejection;
		throw error;
	}
}

const siblings = (count: number, element = '<a/>') => `<r>${element.repeat(count)}</r>`;
const attributes = (count: number) => `<r${Array.from({ length: count }, (_, index) => ` a${index}="1"`).join('')}/>`;

describe('buildXmlTree limits', () => {
	it.each([
		['elements', 'maxElements', (count: number) => siblings(count - 1), 'xml_too_many_elements', 'XML has more than 50 elements'],
		['attributes', 'maxAttributes', attributes, 'xml_too_many_attributes', 'XML has more than 50 attributes'],
		[
			'text nodes',
			'maxTextNodes',
			(count: number) => `<r>${'x<b/>'.repeat(count - 1)}x</r>`,
			'xml_too_many_text_nodes',
			'XML has more than 50 text nodes',
		],
	] as const)('accepts exactly the limit of %s and answers 413 one past it', (_label, limit, build, code, message) => {
		expect(refusal(build(50), { [limit]: 50 })).toBeUndefined();
		expect(refusal(build(51), { [limit]: 50 })).toEqual({
			rejected: true,
			status: 413,
			code,
			message,
		});
	});

	it('limits the characters of attribute names and values together, and points at element text', () => {
		// "v" plus a 7-character value: 8 characters each.
		const xml = (count: number) => `<r>${'<a v="1234567"/>'.repeat(count)}</r>`;
		expect(refusal(xml(10), { maxAttributeChars: 80 })).toBeUndefined();
		expect(refusal(xml(11), { maxAttributeChars: 80 })).toMatchObject({
			status: 413,
			code: 'xml_attributes_too_long',
			message: 'XML has more than 80 characters in attributes; send long values as element text',
		});
	});

	it('limits depth at exactly the limit', () => {
		const nested = (levels: number) => '<a>'.repeat(levels) + '</a>'.repeat(levels);
		expect(refusal(nested(20), { maxDepth: 20 })).toBeUndefined();
		expect(refusal(nested(21), { maxDepth: 20 })).toMatchObject({ status: 400, message: 'XML nests deeper than 20 levels' });
	});

	it('stops reading at the limit: what follows is never looked at', () => {
		// Broken markup after the 11th element would be a 400 if the parser had read on.
		expect(refusal(`<r>${'<a/>'.repeat(10)}<<<not xml`, { maxElements: 10 })).toMatchObject({ code: 'xml_too_many_elements' });
		expect(refusal(`${attributes(11).slice(0, -2)} <<<`, { maxAttributes: 10 })).toMatchObject({ code: 'xml_too_many_attributes' });
	});

	it('counts CDATA sections (even empty ones), comments and processing instructions as text nodes', () => {
		for (const node of ['<![CDATA[]]>', '<![CDATA[x]]>', '<!-- c -->', '<?pi x?>']) {
			expect(refusal(siblings(5, node), { maxTextNodes: 5 })).toBeUndefined();
			expect(refusal(siblings(6, node), { maxTextNodes: 5 })).toMatchObject({ code: 'xml_too_many_text_nodes' });
		}
	});

	it('does not count indentation as text nodes', () => {
		const pretty = `<r>\n${'  <a>1</a>\n'.repeat(10)}</r>`;
		expect(refusal(pretty, { maxTextNodes: 10 })).toBeUndefined();
	});

	it('derives every count from the element limit, so one setting raises them together', () => {
		expect(xmlLimitsFor(100_000, 1000)).toEqual({
			maxDepth: 1000,
			maxElements: 100_000,
			maxAttributes: 100_000,
			maxTextNodes: 100_000,
			maxAttributeChars: 2_000_000,
		});
	});
});

describe('buildXmlTree shape', () => {
	const build = (text: string) => buildXmlTree(text, GENEROUS);

	it('keeps the key order xml2js gives: text, then attributes, then children', () => {
		expect(JSON.stringify(build('<a x="1">t<b>2</b></a>'))).toBe('{"a":{"_":"t","$":{"x":"1"},"b":"2"}}');
	});

	it('keeps a child named cdata next to CDATA text (xml2js overwrote it with a flag)', () => {
		expect(build('<a><cdata>x</cdata><![CDATA[y]]></a>')).toEqual({ a: { _: 'y', cdata: 'x' } });
	});

	it('passes over CDATA outside the root element, as xml2js did', () => {
		expect(build('<![CDATA[x]]><a>1</a><![CDATA[y]]>')).toEqual({ a: '1' });
	});

	it('refuses a child named "_", which would collide with the text key', () => {
		expect(refusal('<a><_>x</_></a>', {})).toMatchObject({ status: 400, code: 'malformed_body' });
		expect(build('<_>x</_>')).toEqual({ _: 'x' });
	});
});

/** Seeded documents mixing the features that shape the output: case, repeats, attributes, whitespace, CDATA, entities. */
function generatedDocuments(count: number): string[] {
	let seed = 7;
	const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
	const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
	const names = ['a', 'B', 'b', 'Item', 'item', 'constructor', '__proto__', 'x:y', 'Deal', 'toString', 'Ä'];
	const texts = ['', ' ', '  ', '\n  ', 'x', ' x ', 'a  b', 'a\tb', '&amp;', '&lt;x&gt;', '&#65;', 'é', 'x\n\ny'];
	const text = () => {
		const roll = random();
		if (roll < 0.1) return `<![CDATA[${pick(texts.filter((value) => !value.includes('&')))}]]>`;
		if (roll < 0.15) return '<!--c-->';
		return pick(texts);
	};
	const attributeList = () =>
		random() < 0.6
			? ''
			: Array.from({ length: Math.floor(random() * 4) }, () => ` ${pick([...names, 'id', 'ID'])}="${pick(texts)}"`).join('');
	const element = (depth: number): string => {
		const name = pick(names);
		if (random() < 0.2) return `<${name}${attributeList()}/>`;
		const children = depth > 3 ? 0 : Math.floor(random() * 4);
		const inner = Array.from({ length: children }, () => (random() < 0.5 ? text() : '') + element(depth + 1)).join('');
		return `<${name}${attributeList()}>${inner}${random() < 0.6 ? text() : ''}</${name}>`;
	};
	return Array.from({ length: count }, () => (random() < 0.2 ? '<?xml version="1.0"?>\n' : '') + element(0));
}

describe('buildXmlTree against xml2js', () => {
	it('gives exactly xml2js’s output, key order included, on 3,000 generated documents', () => {
		for (const text of generatedDocuments(3000)) {
			expect({ text, value: JSON.stringify(buildXmlTree(text, GENEROUS)) }).toEqual({ text, value: JSON.stringify(parseWithXml2js(text)) });
		}
	});
});
