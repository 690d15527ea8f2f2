import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';
import { Client } from 'pg';

import { poolConfig, statements, tableExists } from './postgresStore';
import { clientOptions, RELEASE_SCRIPT } from './redisStore';
import type { PostgresConnection, RedisConnection, SharedStoreConnection } from './connection';
import { storeConnectionProblems } from './connection';

export interface ConnectionTestResult {
	ok: boolean;
	message: string;
}

const TEST_TIMEOUT_MS = 5_000;

type ErrorLike = Error & { code?: string; errno?: string };

/**
 * The network and TLS failures both stores share, named by the setting to check. `tlsField` names the TLS setting
 * when it is on: a server without TLS may then wait in silence for a handshake it does not speak.
 */
function networkProblem(error: ErrorLike, host: string, port: number, tlsField: string, tlsOn: boolean): string | undefined {
	const text = `${error.code ?? ''} ${error.message}`;
	if (/ENOTFOUND|EAI_AGAIN/.test(text)) return `Host: "${host}" could not be resolved`;
	if (/ECONNREFUSED/.test(text)) return `Host/Port: nothing accepts connections at ${host}:${port}`;
	if (/ETIMEDOUT|timeout|timed out/i.test(text)) {
		const silent = `Host/Port: ${host}:${port} did not answer within ${TEST_TIMEOUT_MS / 1000} s`;
		return tlsOn ? `${silent}, or ${tlsField} is on but the server does not use TLS` : silent;
	}
	if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return `Host: ${host} is unreachable`;
	if (/SSL|TLS|certificate|self.signed|EPROTO|wrong version number/i.test(text))
		return `${tlsField}: the TLS handshake failed (${error.message})`;
	return undefined;
}

export function explainRedisError(error: ErrorLike, settings: RedisConnection): string {
	const message = error.message;
	if (/WRONGPASS|invalid username-password/i.test(message)) return 'Password (or Username): Redis refused them';
	if (/NOAUTH/i.test(message)) return 'Password: Redis requires one';
	if (/NOPERM/i.test(message)) return 'Username: this user may not run SET and EVAL on the key prefix';
	if (/DB index is out of range|invalid DB index/i.test(message)) return `Database Index: Redis has no database ${settings.database}`;
	return networkProblem(error, settings.host, settings.port, 'TLS', settings.tls) ?? `Redis: ${message}`;
}

export function explainPostgresError(error: ErrorLike, settings: PostgresConnection): string {
	switch (error.code) {
		case '28P01':
			return `Password (or User): PostgreSQL refused them for user "${settings.user}"`;
		case '28000':
			return `User: PostgreSQL does not let "${settings.user}" connect to "${settings.database}" from here`;
		case '3D000':
			return `Database: "${settings.database}" does not exist`;
		case '3F000':
			return `Table: the schema of "${settings.table}" does not exist`;
		case '42501':
			return `User: "${settings.user}" may not create or write the table "${settings.table}"`;
	}
	if (/server does not support SSL/i.test(error.message)) return 'SSL: the server does not support SSL; choose Disable';
	// pg's words when a server asks for a SCRAM password and none is set.
	if (/client password must be a string/i.test(error.message)) return `Password: PostgreSQL requires one for user "${settings.user}"`;
	return networkProblem(error, settings.host, settings.port, 'SSL', settings.ssl !== 'disable') ?? `PostgreSQL: ${error.message}`;
}

async function testRedis(settings: RedisConnection): Promise<ConnectionTestResult> {
	// The options a claim uses, but one attempt, no reconnecting, and a longer wait.
	const client = new Redis({
		...clientOptions(settings),
		connectTimeout: TEST_TIMEOUT_MS,
		commandTimeout: TEST_TIMEOUT_MS,
		retryStrategy: () => null,
	});
	let lastError: ErrorLike | undefined;
	client.on('error', (error: ErrorLike) => (lastError ??= error));
	try {
		await client.connect();
		// ioredis only warns when the SELECT of a missing database fails; ask again to see the answer.
		await client.select(settings.database);
		// The commands a claim and its give-back send, on a key of the prefix, held for a second.
		const key = `${settings.keyPrefix}credential-test:${randomBytes(6).toString('hex')}`;
		await client.set(key, '1', 'PX', 1000, 'NX');
		await client.eval(RELEASE_SCRIPT, 1, key, '1');
		return { ok: true, message: `Connected to Redis at ${settings.host}:${settings.port} and wrote a test key` };
	} catch (error) {
		return { ok: false, message: explainRedisError(lastError ?? (error as ErrorLike), settings) };
	} finally {
		client.disconnect();
	}
}

async function testPostgres(settings: PostgresConnection): Promise<ConnectionTestResult> {
	const client = new Client({ ...poolConfig(settings), connectionTimeoutMillis: TEST_TIMEOUT_MS, statement_timeout: TEST_TIMEOUT_MS });
	client.on('error', () => undefined);
	try {
		await client.connect();
		const sql = statements(settings.table);
		if (!(await tableExists(client, sql))) for (const statement of sql.create) await client.query(statement);
		// What a claim and a give-back run, on a key of its own: the user may hold only some of the rights they need.
		const token = `credential-test-${randomBytes(6).toString('hex')}`;
		await client.query(sql.claim, [[token], [1], token]);
		await client.query(sql.release, [[token], [token]]);
		return { ok: true, message: `Connected to PostgreSQL at ${settings.host}:${settings.port}; table "${settings.table}" is ready` };
	} catch (error) {
		return { ok: false, message: explainPostgresError(error as ErrorLike, settings) };
	} finally {
		await client.end().catch(() => undefined);
	}
}

/** Really connects, with the same settings a claim uses, and names the setting that is wrong. */
export async function testStoreConnection(settings: SharedStoreConnection): Promise<ConnectionTestResult> {
	const problems = storeConnectionProblems(settings);
	if (problems.length > 0) return { ok: false, message: problems.join('; ') };
	return settings.kind === 'redis' ? await testRedis(settings) : await testPostgres(settings);
}
