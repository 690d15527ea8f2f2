import { keyPrefixProblems, tableNameProblems } from './identifiers';

/** Where a trigger keeps its event ids (the node's `dedupeStore` parameter). */
export type DedupeStoreKind = 'staticData' | 'redis' | 'postgres';

/** The credential type behind each shared store. */
export const DEDUPE_CREDENTIAL_TYPES = {
	redis: 'webhookDedupeRedisApi',
	postgres: 'webhookDedupePostgresApi',
} as const;

export interface RedisConnection {
	kind: 'redis';
	host: string;
	port: number;
	username: string;
	password: string;
	database: number;
	tls: boolean;
	keyPrefix: string;
}

export type PostgresSsl = 'disable' | 'require' | 'verify';

export interface PostgresConnection {
	kind: 'postgres';
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	ssl: PostgresSsl;
	table: string;
}

export type SharedStoreConnection = RedisConnection | PostgresConnection;

type CredentialData = Record<string, unknown>;

const text = (data: CredentialData, name: string, fallback: string) =>
	typeof data[name] === 'string' ? (data[name] as string).trim() : fallback;
const integer = (data: CredentialData, name: string, fallback: number) => {
	const value = data[name];
	return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : fallback;
};

export function redisConnectionOf(data: CredentialData): RedisConnection {
	return {
		kind: 'redis',
		host: text(data, 'host', 'localhost'),
		port: integer(data, 'port', 6379),
		username: text(data, 'username', ''),
		password: typeof data.password === 'string' ? data.password : '',
		database: integer(data, 'database', 0),
		tls: data.tls === true,
		keyPrefix: typeof data.keyPrefix === 'string' ? data.keyPrefix : 'n8n-webhook-dedupe:',
	};
}

export function postgresConnectionOf(data: CredentialData): PostgresConnection {
	const ssl = text(data, 'ssl', 'disable');
	return {
		kind: 'postgres',
		host: text(data, 'host', 'localhost'),
		port: integer(data, 'port', 5432),
		database: text(data, 'database', 'n8n'),
		user: text(data, 'user', 'postgres'),
		password: typeof data.password === 'string' ? data.password : '',
		ssl: ssl === 'require' || ssl === 'verify' ? ssl : 'disable',
		table: text(data, 'table', 'n8n_webhook_dedupe'),
	};
}

const portProblems = (port: number) =>
	Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [`Port ${port} is not a TCP port (1–65535)`];

/** What is wrong with a store's settings, naming the credential field; empty when they can be tried. */
export function storeConnectionProblems(settings: SharedStoreConnection): string[] {
	const problems = settings.host === '' ? ['Host is empty'] : [];
	problems.push(...portProblems(settings.port));
	if (settings.kind === 'redis') {
		if (!Number.isInteger(settings.database) || settings.database < 0)
			problems.push(`Database Index ${settings.database} is not a whole number ≥ 0`);
		problems.push(...keyPrefixProblems(settings.keyPrefix));
	} else {
		if (settings.database === '') problems.push('Database is empty');
		if (settings.user === '') problems.push('User is empty');
		problems.push(...tableNameProblems(settings.table));
	}
	return problems;
}

/** Reads a credential of either store type. */
export function storeConnectionOf(kind: Exclude<DedupeStoreKind, 'staticData'>, data: CredentialData): SharedStoreConnection {
	return kind === 'redis' ? redisConnectionOf(data) : postgresConnectionOf(data);
}
