import type { CompiledJsonPath } from '../jsonPath';
import { compileJsonPath } from '../jsonPath';
import { isPrototypeKey } from '../prototypeKeys';
import { memoizeByJson } from './memo';

/**
 * "Map incoming JSON fields": output fields taken by JSONPath from `{ body, headers, query }`,
 * and optionally one item per element of an array in the payload.
 */
export interface FieldMappingSettings {
	fields?: Array<{ name: string; path: string }>;
	/** JSONPath to an array (for example `$.body` or `$.body.events`); each element becomes one item's body. */
	splitPath?: string;
}

export interface MappingScope {
	body: unknown;
	headers: Record<string, unknown>;
	query: Record<string, unknown>;
}

export interface CompiledFieldMapping {
	fields: Array<{ name: string; path: CompiledJsonPath; wildcard: boolean }>;
	split?: CompiledJsonPath;
}

/** Throws an Error naming the field when a name or path is unusable. */
export function compileFieldMapping(settings: FieldMappingSettings, label = 'Field Mapping'): CompiledFieldMapping {
	const names = new Set<string>();
	const fields = (settings.fields ?? []).map(({ name, path }) => {
		const field = name.trim();
		if (field === '') throw new Error(`${label}: a field has no name`);
		if (isPrototypeKey(field)) throw new Error(`${label}: "${field}" cannot be used as a field name`);
		if (names.has(field)) throw new Error(`${label}: the field "${field}" is mapped twice`);
		names.add(field);
		const compiled = compileJsonPath(path, `${label} "${field}"`);
		// A bracketed key may hold `:` or `,` (`['soapenv:Body']`): only a path the member reader could not take is a wildcard.
		return { name: field, path: compiled, wildcard: !compiled.plain && /\*|\.\.|\[\?|\[\(|:|,/.test(compiled.source) };
	});
	const split = settings.splitPath?.trim() ? compileJsonPath(settings.splitPath, `${label}: Split Path`) : undefined;
	return { fields, split };
}

/** compileFieldMapping, memoised on the settings' JSON. */
export const cachedFieldMapping = memoizeByJson(compileFieldMapping);

/** A mapped field whose path matched nothing in the request. */
export interface UnmatchedPath {
	field: string;
	path: string;
}

/**
 * A path with wildcards or filters yields an array of every match; a plain path yields its value or null.
 * Paths that matched nothing are listed, so a typo shows in the item instead of as a silent null.
 */
export function mapFields(
	mapping: CompiledFieldMapping,
	scope: MappingScope,
): { fields: Record<string, unknown>; unmatched: UnmatchedPath[] } {
	const fields: Record<string, unknown> = {};
	const unmatched: UnmatchedPath[] = [];
	for (const { name, path, wildcard } of mapping.fields) {
		const value = wildcard ? path.all(scope) : path.first(scope);
		if (value === undefined || (wildcard && (value as unknown[]).length === 0)) unmatched.push({ field: name, path: path.source });
		fields[name] = value ?? null;
	}
	return { fields, unmatched };
}

/**
 * The bodies to emit: the elements of the array at the split path (none for an empty array), or the one
 * object there (XML gives a lone child element as an object, not a list of one); the whole body when
 * the path holds neither.
 */
export function splitBodies(mapping: CompiledFieldMapping, scope: MappingScope): unknown[] {
	if (!mapping.split) return [scope.body];
	const value = mapping.split.first(scope);
	if (Array.isArray(value)) return value;
	return typeof value === 'object' && value !== null ? [value] : [scope.body];
}
