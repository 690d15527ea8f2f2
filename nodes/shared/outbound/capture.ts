import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import * as xpath from 'xpath';

import { compileJsonPath } from '../jsonPath';
import { OutboundConfigError } from './errors';
import { parseStructured } from './responseBody';
import { xmlSafetyProblem } from '../xmlSafety';

export type CaptureLanguage = 'jsonPath' | 'xPath';

export interface CaptureField {
	/** Key under `captured` in the output item. */
	name: string;
	expression: string;
	/** Keep every match as an array instead of the first one. */
	all?: boolean;
}

export interface CaptureSpec {
	language: CaptureLanguage;
	fields: CaptureField[];
}

export interface CaptureResult {
	values: Record<string, unknown>;
	/** Names whose expression matched nothing (their value is null, or [] for "all matches"). */
	unmatched: string[];
	/** Why nothing could be captured at all, e.g. the response is not JSON. */
	error?: string;
}

/**
 * Checks capture fields once, before any request goes out, so a typo fails fast with the field's
 * name.
 */
export function compileCapture(language: CaptureLanguage, fields: readonly CaptureField[], field: string): CaptureSpec {
	const names = new Set<string>();
	for (const entry of fields) {
		const name = entry.name?.trim() ?? '';
		if (name === '') throw new OutboundConfigError(field, `${field} has a row without a name`, 'Name the value, e.g. orderId');
		if (names.has(name)) throw new OutboundConfigError(field, `${field} uses the name "${name}" twice`, 'Give each captured value its own name');
		names.add(name);
		const problem = language === 'jsonPath' ? jsonPathProblem(entry.expression ?? '') : xPathProblem(entry.expression ?? '');
		if (problem) throw new OutboundConfigError(field, `${field} "${name}": ${problem.message}`, problem.hint);
	}
	return { language, fields: fields.map((entry) => ({ ...entry, name: entry.name.trim(), expression: entry.expression.trim() })) };
}

/** JSONPath compiled by the module the triggers use: filters run in jsonpath-plus's safe evaluator, never as code. */
function jsonPathProblem(expression: string): { message: string; hint: string } | undefined {
	try {
		compileJsonPath(expression, 'JSONPath');
		return undefined;
	} catch (error) {
		return { message: (error as Error).message.replace(/^JSONPath: /, ''), hint: 'Write a path from the root, e.g. $.data.id or $.items[0].id' };
	}
}

function xPathProblem(expression: string): { message: string; hint: string } | undefined {
	if (expression.trim() === '') return { message: 'the XPath is empty', hint: 'Write a path such as /order/id' };
	try {
		xpath.select(expression, emptyDocument());
		return undefined;
	} catch (error) {
		return { message: `"${expression}" is not a valid XPath (${(error as Error).message})`, hint: 'Check brackets, quotes and axis names' };
	}
}

const emptyDocument = () => new DOMParser().parseFromString('<empty/>', 'text/xml') as unknown as Node;

/** Applies the capture fields to a response body (the raw text; JSON is parsed here when needed). */
export function runCapture(spec: CaptureSpec, bodyText: string, parsedJson?: { value: unknown }): CaptureResult {
	if (spec.fields.length === 0) return { values: {}, unmatched: [] };
	return spec.language === 'jsonPath' ? captureJson(spec, bodyText, parsedJson) : captureXml(spec, bodyText);
}

const empty = (spec: CaptureSpec, error: string): CaptureResult => ({
	values: Object.fromEntries(spec.fields.map((field) => [field.name, field.all ? [] : null])),
	unmatched: spec.fields.map((field) => field.name),
	error,
});

function collect(spec: CaptureSpec, select: (field: CaptureField) => unknown[]): CaptureResult {
	const result: CaptureResult = { values: {}, unmatched: [] };
	for (const field of spec.fields) {
		const matches = select(field);
		if (matches.length === 0) result.unmatched.push(field.name);
		result.values[field.name] = field.all ? matches : (matches[0] ?? null);
	}
	return result;
}

function captureJson(spec: CaptureSpec, text: string, parsedJson?: { value: unknown }): CaptureResult {
	const parsed = parsedJson ?? parseStructured(Buffer.from(text), text, 'json');
	if (parsed.value === undefined) return empty(spec, 'the response is not JSON, so JSONPath cannot run');
	const json = parsed.value;
	return collect(spec, (field) => compileJsonPath(field.expression).all(json));
}

function captureXml(spec: CaptureSpec, text: string): CaptureResult {
	const problem = xmlSafetyProblem(text);
	if (problem) return empty(spec, problem);
	let document: Node;
	try {
		document = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml') as unknown as Node;
	} catch {
		return empty(spec, 'the response is not XML, so XPath cannot run');
	}
	return collect(spec, (field) => {
		const selected = xpath.select(field.expression, document);
		if (!Array.isArray(selected)) return [selected];
		return selected.map(nodeValue);
	});
}

function nodeValue(node: Node): string {
	if (xpath.isAttribute(node)) return node.value;
	return node.textContent ?? '';
}
