import { Builder } from 'xml2js';

import { hasOwn } from '../prototypeKeys';
import { OutboundConfigError } from './errors';

/** Keys xml2js would read as attributes or text; the `@` keeps them apart from every sanitised name. */
const ATTR_KEY = '@@attributes';
const CHAR_KEY = '@@text';
const XML_NAME = /^[A-Za-z_][\w.-]*$/;
/** Characters XML 1.0 cannot carry at all, not even escaped. */
const INVALID_XML_CHARS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Replaces characters XML 1.0 forbids with U+FFFD, so CRM data can never make the document invalid. */
export const xmlSafeText = (text: string) => text.replace(INVALID_XML_CHARS, '\uFFFD');

export function escapeXml(text: string): string {
	return xmlSafeText(text)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

/**
 * An element name for any JSON key: characters outside a conservative XML Name become `_`, and a
 * name that starts with a digit, a dot or "xml" gets a leading `_` (e.g. `2fa` → `_2fa`, `e-mail` stays).
 */
export function safeXmlName(key: string): string {
	let name = key.replace(/[^\w.-]/g, '_');
	if (name === '' || !/^[A-Za-z_]/.test(name) || /^xml/i.test(name)) name = `_${name}`;
	return name;
}

export function validateXmlRootName(name: string, field = 'XML Root Element'): string {
	if (!XML_NAME.test(name) || /^xml/i.test(name)) {
		throw new OutboundConfigError(
			field,
			`"${name}" is not a valid XML element name`,
			'Start with a letter or _, then use letters, digits, _, - or . only (and do not start with "xml")',
		);
	}
	return name;
}

type XmlTree = string | { [key: string]: XmlTree | XmlTree[] };

function toXmlTree(value: unknown): XmlTree {
	if (value === null || value === undefined) return '';
	if (Array.isArray(value)) return { item: value.map(toXmlTree) };
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'object') {
		const tree: Record<string, XmlTree | XmlTree[]> = {};
		for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
			let name = safeXmlName(key);
			// Two keys that sanitise to the same name keep both values.
			for (let n = 2; hasOwn(tree, name); n++) name = `${safeXmlName(key)}_${n}`;
			// Defined, not assigned: an element named __proto__ must stay an element, not become the tree's prototype.
			Object.defineProperty(tree, name, {
				value: Array.isArray(child) ? child.map(toXmlTree) : toXmlTree(child),
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		return tree;
	}
	return xmlSafeText(String(value));
}

/** An XML document with the given root element; values are escaped by xmlbuilder. */
export function buildXml(value: unknown, rootName: string): string {
	const builder = new Builder({
		rootName,
		attrkey: ATTR_KEY,
		charkey: CHAR_KEY,
		xmldec: { version: '1.0', encoding: 'UTF-8' },
		renderOpts: { pretty: false },
	});
	const tree = toXmlTree(value);
	// xml2js treats a single key as the root element when rootName is its default, "root".
	return builder.buildObject(rootName === 'root' ? { root: tree } : tree);
}
