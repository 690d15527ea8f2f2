import { HEADER_TOKEN, INVALID_HEADER_VALUE_CHAR, isReservedHeader, LINE_BREAK_OR_NUL } from '../http/headerRules';
import { OutboundConfigError } from './errors';

export interface HeaderEntry {
	name: string;
	value: string;
}

const LINE_SPLIT = /\r\n|\r|\n/;
const count = (text: string, part: string) => text.split(part).length - 1;

/**
 * Reads headers pasted as `Name: value` lines, one per line, the way Freshsales users write them:
 * a space before the colon is skipped, a space inside the name is an error.
 */
export function parseHeaderLines(text: string, field = 'Custom Headers'): HeaderEntry[] {
	if (text.includes('\0')) throw new OutboundConfigError(field, `${field} contain a NUL character`, 'Remove it');
	return parseLines(text.split(LINE_SPLIT), field);
}

/**
 * The lines of a Header Lines expression, to be resolved one at a time. An expression may not
 * continue on the next line: its lines could then no longer be resolved on their own.
 */
export function headerTemplateLines(template: string, field = 'Custom Headers'): string[] {
	const lines = template.split(LINE_SPLIT);
	for (const [index, line] of lines.entries()) {
		if (count(line, '{{') !== count(line, '}}')) {
			throw new OutboundConfigError(
				field,
				`Line ${index + 1} of ${field} has an expression that continues on another line`,
				'Keep each {{ }} on the line of its header',
			);
		}
	}
	return lines;
}

/**
 * Lines of a template resolved one by one: a line break inside one came from the data, and is
 * refused rather than read as the start of another header.
 */
export function parseResolvedHeaderLines(lines: readonly string[], field = 'Custom Headers'): HeaderEntry[] {
	return parseLines(lines, field, true);
}

function parseLines(lines: readonly string[], field: string, resolved = false): HeaderEntry[] {
	const entries: HeaderEntry[] = [];
	for (const [index, line] of lines.entries()) {
		if (line.trim() === '') continue;
		const colon = line.indexOf(':');
		if (resolved && LINE_BREAK_OR_NUL.test(line)) throw lineBreak(field, colon > 0 ? line.slice(0, colon).trim() : line);
		if (colon <= 0 || line.slice(0, colon).trim() === '') {
			throw new OutboundConfigError(
				field,
				`Line ${index + 1} of ${field} ("${preview(line)}") is not in the form Name: value`,
				'Write one header per line, e.g. X-Api-Version: 2',
			);
		}
		entries.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
	}
	return entries;
}

const lineBreak = (field: string, name: string) =>
	new OutboundConfigError(
		field,
		`Header "${preview(name)}" contains a line break or NUL character`,
		'Header values must be a single line; line breaks would inject extra headers',
	);

/**
 * Checks names and values and refuses anything that could inject a header or break the framing.
 * Names must be RFC 7230 tokens; every error names the offending header.
 */
export function validateHeaders(entries: readonly HeaderEntry[], field = 'Custom Headers'): HeaderEntry[] {
	const seen = new Set<string>();
	const valid: HeaderEntry[] = [];
	for (const entry of entries) {
		const name = String(entry.name ?? '').trim();
		const value = entry.value === undefined || entry.value === null ? '' : String(entry.value);
		if (name === '') throw new OutboundConfigError(field, `${field} has a header without a name`, 'Fill in the name or remove the row');
		if (LINE_BREAK_OR_NUL.test(name) || LINE_BREAK_OR_NUL.test(value)) throw lineBreak(field, name);
		if (/\s/.test(name)) {
			throw new OutboundConfigError(
				field,
				`Header name "${name}" contains a space`,
				`Header names cannot contain spaces; use hyphens, e.g. "${name.replace(/\s+/g, '-')}"`,
			);
		}
		if (!HEADER_TOKEN.test(name)) {
			throw new OutboundConfigError(
				field,
				`Header name "${name}" contains a character that is not allowed in header names`,
				'Use letters, digits and - only',
			);
		}
		if (INVALID_HEADER_VALUE_CHAR.test(value)) {
			throw new OutboundConfigError(
				field,
				`Header "${name}" has a value with a control character or a character outside Latin-1`,
				'Percent-encode or Base64-encode the value',
			);
		}
		const key = name.toLowerCase();
		if (isReservedHeader(key)) {
			throw new OutboundConfigError(field, `Header "${name}" is set by the node itself`, 'Remove it from the custom headers');
		}
		if (seen.has(key)) {
			throw new OutboundConfigError(
				field,
				`Header "${name}" is listed twice`,
				'Put both values in one header, separated by a delimiter such as ;',
			);
		}
		seen.add(key);
		valid.push({ name, value: value.trim() });
	}
	return valid;
}

/** Later layers replace earlier headers of the same name, whatever its case. */
export function mergeHeaders(...layers: ReadonlyArray<Readonly<Record<string, string>> | readonly HeaderEntry[]>): Record<string, string> {
	// Runs for every delivery (and every signed attempt), so plain objects rather than Maps and arrays;
	// no prototype, so a header named __proto__ stays a header.
	const merged: Record<string, string> = Object.create(null);
	const nameOf: Record<string, string> = Object.create(null);
	const put = (name: string, value: string) => {
		const lower = name.toLowerCase();
		const previous = nameOf[lower];
		if (previous !== undefined && previous !== name) delete merged[previous];
		nameOf[lower] = name;
		merged[name] = value;
	};
	for (const layer of layers) {
		if (Array.isArray(layer)) for (const entry of layer as readonly HeaderEntry[]) put(entry.name, entry.value);
		else for (const name of Object.keys(layer)) put(name, (layer as Record<string, string>)[name]);
	}
	return merged;
}

const preview = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text).replace(/[\r\n\0]/g, '⏎');
