import { JSONPath } from 'jsonpath-plus';

import { BoundedCache } from './boundedCache';
import { hasOwn } from './prototypeKeys';

/**
 * JSONPath compiled once per distinct expression. Plain member paths (`$.data.contact['e-mail'][0]`),
 * by far the most common, are walked directly; anything else (wildcards, slices, filters) goes to
 * jsonpath-plus with its safe evaluator, so a filter can never run code.
 */
export interface CompiledJsonPath {
	readonly source: string;
	/** A path of plain members and indexes (`$.a['b:c'][0]`): it names one place, never several. */
	readonly plain: boolean;
	/** Every match, in document order. */
	all(json: unknown): unknown[];
	/** The first match, or undefined. */
	first(json: unknown): unknown;
}

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^'\\]*)'\]|\["([^"\\]*)"\])/;

/** The keys of a plain member path, or undefined when the path needs the full evaluator. */
function memberKeys(path: string): string[] | undefined {
	if (!path.startsWith('$')) return undefined;
	const keys: string[] = [];
	let rest = path.slice(1);
	while (rest !== '') {
		const match = SEGMENT.exec(rest);
		if (!match) return undefined;
		keys.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
		rest = rest.slice(match[0].length);
	}
	return keys;
}

const hasOwnKey = (value: unknown, key: string) => typeof value === 'object' && value !== null && hasOwn(value, key);

function walk(json: unknown, keys: readonly string[]): unknown {
	let current = json;
	for (const key of keys) {
		if (!hasOwnKey(current, key)) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

function memberPath(source: string, keys: string[]): CompiledJsonPath {
	return {
		source,
		plain: true,
		first: (json) => walk(json, keys),
		all: (json) => {
			const value = walk(json, keys);
			return value === undefined ? [] : [value];
		},
	};
}

function evaluatedPath(source: string): CompiledJsonPath {
	const all = (json: unknown): unknown[] => {
		if (typeof json !== 'object' || json === null) return [];
		const result = JSONPath({ path: source, json, wrap: true, eval: 'safe', ignoreEvalErrors: true }) as unknown;
		return Array.isArray(result) ? result : [];
	};
	return { source, plain: false, all, first: (json) => all(json)[0] };
}

/** Why a filter or script expression in the path does not even parse, or undefined. */
function expressionProblem(path: string): string | undefined {
	try {
		for (const segment of JSONPath.toPathArray(path)) {
			if (segment.startsWith('?(') || segment.startsWith('(')) {
				JSONPath({ path: `$[${segment}]`, json: [{}], wrap: true, eval: 'safe', ignoreEvalErrors: true });
			}
		}
		return undefined;
	} catch (error) {
		return (error as Error).message;
	}
}

const cache = new BoundedCache<string, CompiledJsonPath>(1000);

/**
 * Compiles a JSONPath. Throws an Error naming `label` when the expression is invalid, so the node
 * can report it at publish time.
 */
export function compileJsonPath(path: string, label = 'JSONPath'): CompiledJsonPath {
	const source = path.trim();
	const cached = cache.get(source);
	if (cached) return cached;
	if (!source.startsWith('$')) throw new Error(`${label}: "${source.slice(0, 80)}" must start with $, for example $.body.id`);
	const keys = memberKeys(source);
	let compiled: CompiledJsonPath;
	if (keys) {
		compiled = memberPath(source, keys);
	} else {
		const problem = expressionProblem(source);
		if (problem) throw new Error(`${label}: "${source.slice(0, 80)}" is not a valid JSONPath (${problem})`);
		compiled = evaluatedPath(source);
	}
	cache.set(source, compiled);
	return compiled;
}
