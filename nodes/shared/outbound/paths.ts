import { hasOwn, isPrototypeKey } from '../prototypeKeys';
import { OutboundConfigError } from './errors';

/** One step of a path: an object key, or an array index written as `[0]`. */
export type PathSegment = string | number;

/** Keys that would reach Object.prototype through a crafted field name or CRM payload. */

/**
 * Parses the dotted paths used by field names and merge tags: `deal.amount`, `items[0].name`,
 * `contact.email`. A backslash keeps a dot literal (`a\.b` is the key "a.b").
 */
export function parsePath(path: string, field: string): PathSegment[] {
	const segments: PathSegment[] = [];
	let current = '';
	let afterIndex = false;
	const fail = (problem: string, hint: string) => new OutboundConfigError(field, `"${path}" ${problem}`, hint);
	const pushKey = () => {
		if (current === '') throw fail('has an empty part', 'Remove the extra dot, or start with a name');
		if (isPrototypeKey(current)) throw fail(`uses the reserved name "${current}"`, 'Rename it');
		segments.push(current);
		current = '';
	};
	for (let i = 0; i < path.length; i++) {
		const char = path[i];
		if (char === '.') {
			if (!afterIndex) pushKey();
			afterIndex = false;
		} else if (char === '[') {
			if (current !== '' || !afterIndex) pushKey();
			const end = path.indexOf(']', i);
			const index = end === -1 ? '' : path.slice(i + 1, end);
			if (!/^\d{1,6}$/.test(index)) throw fail('has an invalid index', 'Write array positions as [0], [1], …');
			segments.push(Number(index));
			afterIndex = true;
			i = end;
		} else {
			if (afterIndex) throw fail('needs a dot after "]"', 'Write it as items[0].name');
			current += char === '\\' && i + 1 < path.length ? path[++i] : char;
		}
	}
	if (!afterIndex) pushKey();
	return segments;
}

const isContainer = (value: unknown): value is Record<string, unknown> | unknown[] => typeof value === 'object' && value !== null;

type Container = Record<PathSegment, unknown>;

/** Sets a value deep inside `target`, creating objects and arrays on the way. */
export function setPath(target: Record<string, unknown>, segments: readonly PathSegment[], value: unknown, field: string, name: string) {
	let node = target as Container;
	for (const [index, segment] of segments.entries()) {
		if (index === segments.length - 1) {
			if (isContainer(node[segment]) && !isContainer(value)) throw conflict(field, name);
			node[segment] = value;
			return;
		}
		const wantsArray = typeof segments[index + 1] === 'number';
		if (node[segment] === undefined) node[segment] = wantsArray ? [] : {};
		const next = node[segment];
		if (!isContainer(next) || Array.isArray(next) !== wantsArray) throw conflict(field, name);
		node = next as Container;
	}
}

const conflict = (field: string, name: string) =>
	new OutboundConfigError(field, `"${name}" conflicts with another field that uses the same name for a value`, 'Rename one of them');

/** Reads a value at a path; `found` is false when any step is missing. Numeric keys also index arrays. */
export function getPath(source: unknown, segments: readonly PathSegment[]): { found: boolean; value: unknown } {
	let node: unknown = source;
	for (const segment of segments) {
		if (!isContainer(node)) return { found: false, value: undefined };
		const key = Array.isArray(node) && typeof segment === 'string' && /^\d+$/.test(segment) ? Number(segment) : segment;
		if (!hasOwn(node, key)) return { found: false, value: undefined };
		node = (node as Record<PathSegment, unknown>)[key];
	}
	return { found: true, value: node };
}
