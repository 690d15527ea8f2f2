import type { Encoding } from './encoders';
import { formEncode, scalarText } from './encoders';
import { OutboundConfigError } from './errors';
import type { PathSegment } from './paths';
import { getPath, parsePath } from './paths';
import { escapeXml, xmlSafeText } from './xml';

export type MissingTagPolicy = 'empty' | 'error';

/** Where a merge tag stands decides how its value is escaped. */
type TagContext = 'jsonString' | 'jsonValue' | 'xmlText' | 'xmlCdata' | 'form' | 'text';

interface Tag {
	source: string;
	path: PathSegment[];
	context: TagContext;
}

export type CompiledTemplate = Array<string | Tag>;

const FIELD = 'Body Template';

/**
 * Splits a template such as `{"email": "{{contact.email}}", "amount": {{deal.amount}}}` into text and
 * merge tags, and works out for each tag whether it stands inside a JSON string, as a JSON value,
 * in XML text or CDATA, so rendering can escape each value for exactly that place.
 */
export function compileTemplate(template: string, encoding: Encoding): CompiledTemplate {
	const parts: CompiledTemplate = [];
	const scanner = contextScanner(encoding);
	let position = 0;
	while (position < template.length) {
		const open = template.indexOf('{{', position);
		if (open === -1) break;
		const close = template.indexOf('}}', open + 2);
		if (close === -1) {
			throw new OutboundConfigError(
				FIELD,
				`${FIELD} has a {{ without a closing }} at position ${open + 1}`,
				'Close the merge tag, e.g. {{contact.email}}',
			);
		}
		const literal = template.slice(position, open);
		scanner.feed(literal);
		parts.push(literal);
		const source = template.slice(open + 2, close).trim();
		const path = source.replace(/^\$?json\./, '');
		if (path === '')
			throw new OutboundConfigError(FIELD, `${FIELD} has an empty merge tag {{}}`, 'Write the field path, e.g. {{contact.email}}');
		parts.push({ source, path: parsePath(path, FIELD), context: scanner.context() });
		position = close + 2;
	}
	parts.push(template.slice(position));
	return parts;
}

/** Renders a compiled template with one item's data; the result is validated for JSON encodings. */
export function renderTemplate(compiled: CompiledTemplate, data: unknown, encoding: Encoding, missing: MissingTagPolicy = 'empty'): string {
	let out = '';
	for (const part of compiled) {
		if (typeof part === 'string') {
			out += part;
			continue;
		}
		const { found, value } = getPath(data, part.path);
		if ((!found || value === undefined) && missing === 'error') {
			throw new OutboundConfigError(
				FIELD,
				`Merge tag {{${part.source}}} has no value in this item`,
				'Check the path against the input data, or allow empty values',
			);
		}
		out += escapeFor(part.context, found ? value : undefined);
	}
	if (encoding === 'json' || encoding === 'jsonArray') {
		try {
			JSON.parse(out);
		} catch (error) {
			return invalidJson(error);
		}
	}
	return out;
}

function invalidJson(error: unknown): never {
	throw new OutboundConfigError(
		FIELD,
		`${FIELD} does not produce valid JSON: ${(error as Error).message}`,
		'Check quotes and commas around the merge tags; a tag outside quotes inserts a JSON value, a tag inside quotes inserts text',
	);
}

function escapeFor(context: TagContext, value: unknown): string {
	switch (context) {
		case 'jsonValue':
			return value === undefined ? 'null' : JSON.stringify(value);
		case 'jsonString':
			return JSON.stringify(scalarText(value)).slice(1, -1);
		case 'xmlText':
			return escapeXml(scalarText(value));
		case 'xmlCdata':
			// `]]>` would end the section: split it across two CDATA sections instead.
			return xmlSafeText(scalarText(value)).replace(/]]>/g, ']]]]><![CDATA[>');
		case 'form':
			return formEncode([['', scalarText(value)]]).slice(1);
		case 'text':
			return scalarText(value);
	}
}

/** Tracks whether the literal text so far leaves us inside a JSON string or an XML CDATA section. */
function contextScanner(encoding: Encoding) {
	let inString = false;
	let escaped = false;
	let inCdata = false;
	return {
		feed(text: string) {
			if (encoding === 'json' || encoding === 'jsonArray') {
				for (const char of text) {
					if (escaped) escaped = false;
					else if (inString && char === '\\') escaped = true;
					else if (char === '"') inString = !inString;
				}
			} else if (encoding === 'xml') {
				const open = text.lastIndexOf('<![CDATA[');
				const close = text.lastIndexOf(']]>');
				if (open !== -1 || close !== -1) inCdata = open > close;
			}
		},
		context(): TagContext {
			switch (encoding) {
				case 'json':
				case 'jsonArray':
					return inString ? 'jsonString' : 'jsonValue';
				case 'xml':
					return inCdata ? 'xmlCdata' : 'xmlText';
				case 'form':
					return 'form';
				case 'text':
					return 'text';
			}
		},
	};
}
