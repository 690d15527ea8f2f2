import { compileJsonPath } from '../jsonPath';

/**
 * A JSONPath for a field a user names: a JSONPath as is (`$.data.id`), or a plain dotted path
 * (`deal.id`, `items.0.name`), which CRM users write more naturally.
 */
function asJsonPath(path: string): string | undefined {
	if (path.startsWith('$')) return path;
	const keys = path.split('.');
	if (keys.some((key) => key === '' || /['\\]/.test(key))) return undefined;
	return `$${keys.map((key) => (/^\d+$/.test(key) ? `[${key}]` : `['${key}']`)).join('')}`;
}

/** The value at `path`: one match as is, several as a list, none as undefined. */
export function readPath(value: unknown, path: string | undefined): unknown {
	const jsonPath = asJsonPath((path ?? '').trim());
	if (!jsonPath) return undefined;
	const matches = compileJsonPath(jsonPath).all(value);
	if (matches.length === 0) return undefined;
	return matches.length === 1 ? matches[0] : matches;
}

/** Problems with a path setting, in plain language; empty when it can be evaluated. */
export function pathProblems(label: string, path: string | undefined): string[] {
	const trimmed = (path ?? '').trim();
	if (trimmed === '') return [];
	const jsonPath = asJsonPath(trimmed);
	if (!jsonPath) return [`${label} "${trimmed.slice(0, 80)}" is not a valid field path: use a.b.c or a JSONPath such as $.data.id`];
	try {
		compileJsonPath(jsonPath, label);
		return [];
	} catch (error) {
		return [(error as Error).message];
	}
}
