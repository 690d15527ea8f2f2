import { hasOwn, isPrototypeKey } from '../prototypeKeys';
import type { XmlEvents } from './xmlScanner';
import { XmlScanner } from './xmlScanner';
import { malformed, tooMany } from './xmlRefusal';

export { XmlRefused } from './xmlRefusal';

/**
 * What an XML body may hold. Counted while the text is read, so a hostile body is dropped after
 * at most this much work instead of first becoming millions of objects that block n8n's event
 * loop for seconds.
 */
export interface XmlLimits {
	maxDepth: number;
	maxElements: number;
	maxAttributes: number;
	/** Text runs and CDATA sections with content, comments and processing instructions. */
	maxTextNodes: number;
	/** All attribute names and values together: each costs more to read than element text. */
	maxAttributeChars: number;
}

/**
 * The default, far above what CRMs send: a Salesforce outbound message holds at most 100
 * notifications of one record each (about 30,000 elements even for records of 300 fields), and
 * Vtiger and Freshsales send one small record. The reader reaches any one limit within about 0.1 s
 * on a quiet 2-core machine (bench/, rows 5f and 5g), so a hostile body is dropped quickly at any size.
 */
export const DEFAULT_MAX_XML_ELEMENTS = 100_000;

/**
 * The other counts follow the element limit, so one setting raises them together. CRM XML holds
 * fewer attributes than elements (a Salesforce notification: two in about twenty-five elements),
 * at most one text run per element, and attributes (namespace URIs, ids, types) that come to far
 * less than twenty characters per element. Each attribute costs more to read than an element, so the
 * attribute limit is no higher than the element limit.
 */
export const xmlLimitsFor = (maxElements: number, maxDepth: number): XmlLimits => ({
	maxDepth,
	maxElements,
	maxAttributes: maxElements,
	maxTextNodes: maxElements,
	maxAttributeChars: 20 * maxElements,
});

export const safeName = (name: string) => (isPrototypeKey(name) ? `sanitized_${name}` : name);

const WHITESPACE_ONLY = /^\s*$/;
/** Where the tree keeps an element's text and its attributes (xml2js's names, which users' paths rely on). */
export const TEXT_KEY = '_';
export const ATTRIBUTES_KEY = '$';

type XmlObject = Record<string, unknown>;

/** One open element: its attributes and children (made on first need), and its text so far. */
interface Frame {
	name: string;
	node: XmlObject | undefined;
	text: string;
	hadCdata: boolean;
}

/** A repeated child name turns the value into a list, as xml2js does with explicitArray off. */
function addChild(parent: XmlObject, name: string, value: unknown) {
	if (!hasOwn(parent, name)) parent[name] = value;
	else if (Array.isArray(parent[name])) (parent[name] as unknown[]).push(value);
	else parent[name] = [parent[name], value];
}

/**
 * An element's value, shaped like xml2js with n8n's options: text alone becomes a string
 * (whitespace runs squeezed, then trimmed); text next to attributes or children goes under `_`,
 * first; whitespace-only text is dropped, and an element with nothing else keeps it raw.
 */
function valueOf({ node, text, hadCdata }: Frame): unknown {
	if (!hadCdata && WHITESPACE_ONLY.test(text)) return node ?? text;
	const normalized = text.replace(/\s{2,}/g, ' ').trim();
	return node ? { [TEXT_KEY]: normalized, ...node } : normalized;
}

/**
 * The element's `$`: the scanner's attribute object (fresh per element, never touched again), copied
 * only when a name must be renamed. Copying every one cost a third of the parse time for XML with
 * many distinct attribute names. (The scanner never keeps `__proto__` as an attribute.)
 */
function attributesOf(attributes: Record<string, string> | undefined): XmlObject | undefined {
	if (!attributes) return undefined;
	const names = Object.keys(attributes);
	if (names.length === 0) return undefined;
	if (!hasOwn(attributes, 'constructor') && !hasOwn(attributes, 'prototype')) return { [ATTRIBUTES_KEY]: attributes };
	const renamed: XmlObject = {};
	for (const name of names) renamed[safeName(name)] = attributes[name];
	return { [ATTRIBUTES_KEY]: renamed };
}

/** The counts, each checked the moment it grows, so reading stops right at the first one past its limit. */
export function limitCounter(limits: XmlLimits) {
	const counts = { elements: 0, attributes: 0, attributeChars: 0, textNodes: 0 };
	return {
		element() {
			if (++counts.elements > limits.maxElements) throw tooMany('xml_too_many_elements', 'elements', limits.maxElements);
		},
		attribute(name: string, value: string) {
			if (++counts.attributes > limits.maxAttributes) throw tooMany('xml_too_many_attributes', 'attributes', limits.maxAttributes);
			counts.attributeChars += name.length + value.length;
			if (counts.attributeChars > limits.maxAttributeChars) {
				throw tooMany('xml_attributes_too_long', 'characters in attributes', limits.maxAttributeChars, 'send long values as element text');
			}
		},
		textNode() {
			if (++counts.textNodes > limits.maxTextNodes) throw tooMany('xml_too_many_text_nodes', 'text nodes', limits.maxTextNodes);
		},
	};
}

/** Builds the tree from the scanner's events, counting as they come. */
class TreeBuilder implements XmlEvents {
	private readonly stack: Frame[] = [];
	private readonly count: ReturnType<typeof limitCounter>;
	result: XmlObject | undefined;

	constructor(
		private readonly limits: XmlLimits,
		private readonly keepTagCase: boolean,
	) {
		this.count = limitCounter(limits);
	}

	attribute(name: string, value: string) {
		this.count.attribute(name, value);
	}

	textNode() {
		this.count.textNode();
	}

	openTag(tagName: string, attributes: Record<string, string> | undefined) {
		const { stack, limits } = this;
		this.count.element();
		if (stack.length >= limits.maxDepth) throw malformed(`XML nests deeper than ${limits.maxDepth} levels`);
		// xml2js would stop at the first root's end and drop a second root unnoticed.
		if (this.result) throw malformed('Malformed XML: More than one root element');
		const name = safeName(this.keepTagCase ? tagName : tagName.toLowerCase());
		// `_` holds an element's text; xml2js failed on such a child, so it stays refused.
		if (name === TEXT_KEY && stack.length > 0) throw malformed('Malformed XML: an element named "_" inside another is not supported');
		stack.push({ name, node: attributesOf(attributes), text: '', hadCdata: false });
	}

	text(piece: string) {
		this.stack[this.stack.length - 1].text += piece;
	}

	cdata(content: string) {
		const frame = this.stack[this.stack.length - 1];
		// Outside the root element, as xml2js did.
		if (!frame) return;
		frame.text += content;
		frame.hadCdata = true;
	}

	closeTag() {
		const frame = this.stack.pop() as Frame;
		const value = valueOf(frame);
		const parent = this.stack[this.stack.length - 1];
		if (!parent) this.result = { [frame.name]: value };
		else addChild((parent.node ??= {}), frame.name, value);
	}
}

/**
 * Builds the object xml2js would (explicitArray false, lower-case tag names, normalized text,
 * attributes under `$`, text under `_`). Throws XmlRefused for a limit or for XML it refuses.
 * `keepTagCase` keeps tag names as sent, for senders whose names are case-sensitive field names
 * (Salesforce's `StageName`).
 */
export function buildXmlTree(text: string, limits: XmlLimits, keepTagCase = false): unknown {
	const builder = new TreeBuilder(limits, keepTagCase);
	new XmlScanner(text, builder).run();
	// A document of whitespace, comments or a bare declaration has no root: xml2js gave it an empty object.
	return builder.result ?? {};
}
