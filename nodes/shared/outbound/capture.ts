import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import * as xpath from 'xpath';

import { compileJsonPath } from '../jsonPath';
import { isPrototypeKey } from '../prototypeKeys';
import { numberInDocumentOrder } from './documentOrder';
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
	/** Why nothing (or some field) could be captured, e.g. the response is not JSON. */
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
		if (names.has(name))
			throw new OutboundConfigError(field, `${field} uses the name "${name}" twice`, 'Give each captured value its own name');
		// `captured.__proto__ = …` would set the prototype instead of a value, and the others read as built-ins downstream.
		if (isPrototypeKey(name))
			throw new OutboundConfigError(field, `${field} cannot use the name "${name}"`, 'Choose another name, e.g. orderId');
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
		return {
			message: (error as Error).message.replace(/^JSONPath: /, ''),
			hint: 'Write a path from the root, e.g. $.data.id or $.items[0].id',
		};
	}
}

/** The parts of xpath's runtime API its typings leave out. */
const xpathLibrary = xpath as unknown as {
	parse(expression: string): { expression: unknown };
	FunctionResolver: new () => { getFunction(localName: string, namespace: string): unknown };
};
const standardFunctions = new xpathLibrary.FunctionResolver();

function xPathProblem(expression: string): { message: string; hint: string } | undefined {
	if (expression.trim() === '') return { message: 'the XPath is empty', hint: 'Write a path such as /order/id' };
	try {
		xpath.select(expression, emptyDocument());
	} catch (error) {
		return { message: `"${expression}" is not a valid XPath (${(error as Error).message})`, hint: 'Check brackets, quotes and axis names' };
	}
	// Predicates never run on the empty document above, so look for what would fail on a real answer.
	return unresolvedName(xpathLibrary.parse(expression).expression);
}

/** An undeclared $variable or a function outside XPath 1.0 anywhere in the parsed expression. */
function unresolvedName(node: unknown): { message: string; hint: string } | undefined {
	if (!node || typeof node !== 'object') return undefined;
	const { variable, functionName } = node as { variable?: unknown; functionName?: unknown };
	if (typeof variable === 'string') {
		return {
			message: `the XPath uses the variable $${variable}, but no variables are defined`,
			hint: 'Write the value itself, e.g. //order[@id="42"]',
		};
	}
	if (typeof functionName === 'string' && !standardFunctions.getFunction(functionName, '')) {
		return {
			message: `${functionName}() is not an XPath 1.0 function`,
			hint: 'Use XPath 1.0 functions only, e.g. translate() instead of lower-case()',
		};
	}
	for (const child of Object.values(node)) {
		const problem = unresolvedName(child);
		if (problem) return problem;
	}
	return undefined;
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
	const problems: string[] = [];
	for (const field of spec.fields) {
		let matches: unknown[];
		try {
			matches = select(field);
		} catch (error) {
			// The request went out already: a field that cannot run on this answer is reported, never fatal.
			problems.push(`"${field.name}" could not run on this response (${(error as Error).message})`);
			matches = [];
		}
		if (matches.length === 0) result.unmatched.push(field.name);
		result.values[field.name] = field.all ? matches : (matches[0] ?? null);
	}
	if (problems.length > 0) result.error = problems.join('; ');
	return result;
}

function captureJson(spec: CaptureSpec, text: string, parsedJson?: { value: unknown }): CaptureResult {
	const parsed = parsedJson ?? parseStructured(Buffer.from(text), text, 'json');
	if (parsed.value === undefined) return empty(spec, 'the response is not JSON, so JSONPath cannot run');
	const json = parsed.value;
	return collect(spec, (field) => compileJsonPath(field.expression).all(json));
}

/** XPath runs on the main thread (about 0.5 ms per KB even in document order): larger answers are not searched. */
const XPATH_MAX_CHARS = 1024 * 1024;

function captureXml(spec: CaptureSpec, text: string): CaptureResult {
	if (text.length > XPATH_MAX_CHARS) {
		const kb = Math.ceil(text.length / 1024);
		return empty(spec, `XPath runs on answers up to 1,024 KB and this one is ${kb} KB; capture with JSONPath or ask for a smaller answer`);
	}
	const problem = xmlSafetyProblem(text);
	if (problem) return empty(spec, problem);
	let document: Node;
	try {
		document = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml') as unknown as Node;
	} catch {
		return empty(spec, 'the response is not XML, so XPath cannot run');
	}
	numberInDocumentOrder(document as never);
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
