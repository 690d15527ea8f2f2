/**
 * Names the user types that end up in a Redis key or an SQL statement: checked against a plain
 * pattern, then quoted. Nothing else from a credential is ever put into SQL text.
 */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const KEY_PREFIX = /^[A-Za-z0-9_.:\-/]{0,100}$/;

/** Problems with a table name (`table` or `schema.table`), naming the field; empty when usable. */
export function tableNameProblems(name: string, field = 'Table'): string[] {
	const parts = name.split('.');
	if (name.trim() === '') return [`${field} is empty`];
	if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
		return [
			`${field} "${name.slice(0, 80)}" is not a plain name: use letters, digits and underscores (not starting with a digit), optionally schema.table`,
		];
	}
	return [];
}

/** The table name, quoted for SQL; throws when it is not a plain name. */
export function quotedTableName(name: string, field = 'Table'): string {
	const problems = tableNameProblems(name, field);
	if (problems.length > 0) throw new Error(problems[0]);
	return name
		.split('.')
		.map((part) => `"${part}"`)
		.join('.');
}

/** Problems with a Redis key prefix, naming the field; empty when usable. */
export function keyPrefixProblems(prefix: string, field = 'Key Prefix'): string[] {
	return KEY_PREFIX.test(prefix) ? [] : [`${field} "${prefix.slice(0, 80)}" may hold only letters, digits and _ . : - / (at most 100)`];
}
