import sax from 'sax';

import { hasOwn, isPrototypeKey } from '../../../../nodes/shared/prototypeKeys';
import type { Rejection, RejectionCode } from '../../../../nodes/shared/inbound/rejection';
import { reject } from '../../../../nodes/shared/inbound/rejection';
import type { XmlLimits } from '../../../../nodes/shared/inbound/xmlTree';

/**
 * The triggers' XML tree builder as it was before its own scanner (commit 5ff33f5), built on sax's
 * strict mode: the reference the differential test holds the scanner to. Unchanged but for the
 * imports and the definitions the test does not need (limits, defaults).
 */

/** Thrown from inside sax's callbacks to stop reading at once; carries the answer to send. */
class XmlRefused extends Error {
	constructor(readonly rejection: Rejection) {
		super(rejection.message);
	}
}

const safeName = (name: string) => (isPrototypeKey(name) ? `sanitized_${name}` : name);

const WHITESPACE_ONLY = /^\s*$/;
const HAS_CONTENT = /\S/;
const TEXT_KEY = '_';
const ATTRIBUTES_KEY = '$';

type XmlObject = Record<string, unknown>;

/** One open element: its attributes and children (made on first need), and its text so far. */
interface Frame {
	name: string;
	node: XmlObject | undefined;
	text: string;
	hadCdata: boolean;
}

/** A 413 naming the limit; the caller adds how to get past it (the triggers name their option). */
const tooMany = (code: RejectionCode, what: string, limit: number, advice?: string) =>
	new XmlRefused(reject(413, code, `XML has more than ${limit.toLocaleString('en-US')} ${what}${advice ? `; ${advice}` : ''}`));
const malformed = (message: string) => new XmlRefused(reject(400, 'malformed_body', message));

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
 * The element's `$`: sax's own attribute object (fresh per element, never touched again), copied
 * only when a name must be renamed. Copying every one cost a third of the parse time for XML with
 * many distinct attribute names. (sax never keeps `__proto__` as an attribute.)
 */
function attributesOf(attributes: Record<string, string>): XmlObject | undefined {
	const names = Object.keys(attributes);
	if (names.length === 0) return undefined;
	if (!hasOwn(attributes, 'constructor') && !hasOwn(attributes, 'prototype')) return { [ATTRIBUTES_KEY]: attributes };
	const renamed: XmlObject = {};
	for (const name of names) renamed[safeName(name)] = attributes[name];
	return { [ATTRIBUTES_KEY]: renamed };
}

/** The counts, each checked the moment it grows, so sax stops right at the first one past its limit. */
function limitCounter(limits: XmlLimits) {
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

/**
 * Builds the object xml2js would (explicitArray false, lower-case tag names, normalized text,
 * attributes under `$`, text under `_`), straight from sax's events. Throws XmlRefused for a
 * limit or a structure it refuses, and sax's own Error for malformed XML. `keepTagCase` keeps tag
 * names as sent, for senders whose names are case-sensitive field names (Salesforce's `StageName`).
 */
export function buildXmlTreeWithSax(text: string, limits: XmlLimits, keepTagCase = false): unknown {
	const stack: Frame[] = [];
	const count = limitCounter(limits);
	let result: XmlObject | undefined;
	const parser = sax.parser(true, { trim: false, normalize: false });
	parser.onerror = (error) => {
		throw error;
	};
	parser.onattribute = ({ name, value }) => count.attribute(name, value);
	parser.onopentag = (tag) => {
		count.element();
		if (stack.length >= limits.maxDepth) throw malformed(`XML nests deeper than ${limits.maxDepth} levels`);
		// xml2js would stop at the first root's end and drop a second root unnoticed.
		if (result) throw malformed('Malformed XML: More than one root element');
		const name = safeName(keepTagCase ? tag.name : tag.name.toLowerCase());
		// `_` holds an element's text; xml2js failed on such a child, so it stays refused.
		if (name === TEXT_KEY && stack.length > 0) throw malformed('Malformed XML: an element named "_" inside another is not supported');
		stack.push({ name, node: attributesOf(tag.attributes as Record<string, string>), text: '', hadCdata: false });
	};
	parser.ontext = (chunk) => {
		const frame = stack[stack.length - 1];
		if (!frame) return;
		frame.text += chunk;
		if (HAS_CONTENT.test(chunk)) count.textNode();
	};
	// Counted when the section opens: sax reports no event for an empty one.
	parser.onopencdata = count.textNode;
	parser.oncdata = (chunk) => {
		const frame = stack[stack.length - 1];
		// Outside the root element, as xml2js did (sax lets CDATA there pass).
		if (!frame) return;
		frame.text += chunk;
		frame.hadCdata = true;
	};
	// Cheap one by one, but free to repeat: counted so that millions of them stay bounded.
	parser.oncomment = count.textNode;
	parser.onprocessinginstruction = count.textNode;
	parser.onclosetag = () => {
		const frame = stack.pop() as Frame;
		const value = valueOf(frame);
		const parent = stack[stack.length - 1];
		if (!parent) result = { [frame.name]: value };
		else addChild((parent.node ??= {}), frame.name, value);
	};
	parser.write(text).close();
	// A document of whitespace, comments or a bare declaration has no root: xml2js gave it an empty object.
	return result ?? {};
}
