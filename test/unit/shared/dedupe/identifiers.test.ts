import { keyPrefixProblems, quotedTableName, tableNameProblems } from '../../../../nodes/shared/dedupe/identifiers';
import { postgresConnectionOf, redisConnectionOf, storeConnectionProblems } from '../../../../nodes/shared/dedupe/connection';

describe('names that reach SQL or Redis keys', () => {
	it.each(['n8n_webhook_dedupe', 'hooks.dedupe', '_t1', 'A'.repeat(63)])('accepts the table name %s and quotes each part', (name) => {
		expect(tableNameProblems(name)).toEqual([]);
		expect(quotedTableName(name)).toBe(
			name
				.split('.')
				.map((part) => `"${part}"`)
				.join('.'),
		);
	});

	it.each(['', 't; DROP TABLE users', 'a.b.c', '1table', 't"x', 'has space', 'ü', 'A'.repeat(64), 'schema.', '.t'])(
		'refuses the table name %p, naming the field',
		(name) => {
			expect(tableNameProblems(name)[0]).toMatch(/^Table/);
			expect(() => quotedTableName(name)).toThrow(/^Table/);
		},
	);

	it('accepts plain key prefixes and refuses others', () => {
		for (const prefix of ['', 'n8n-webhook-dedupe:', 'team/a.b_c:']) expect(keyPrefixProblems(prefix)).toEqual([]);
		for (const prefix of ['a b', 'x*', 'new\nline', 'k'.repeat(101)]) expect(keyPrefixProblems(prefix)[0]).toMatch(/^Key Prefix/);
	});
});

describe('store settings from a credential', () => {
	it('fills defaults and names each bad field', () => {
		expect(redisConnectionOf({})).toMatchObject({
			host: 'localhost',
			port: 6379,
			database: 0,
			tls: false,
			keyPrefix: 'n8n-webhook-dedupe:',
		});
		expect(postgresConnectionOf({})).toMatchObject({ host: 'localhost', port: 5432, database: 'n8n', user: 'postgres', ssl: 'disable' });
		expect(storeConnectionProblems(redisConnectionOf({ host: ' ', port: 70000, database: -1 }))).toEqual([
			'Host is empty',
			'Port 70000 is not a TCP port (1–65535)',
			'Database Index -1 is not a whole number ≥ 0',
		]);
		expect(storeConnectionProblems(postgresConnectionOf({ database: '', user: '', table: 'x;y' }))).toEqual([
			'Database is empty',
			'User is empty',
			expect.stringMatching(/^Table "x;y" is not a plain name/),
		]);
	});
});
