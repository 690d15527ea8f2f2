/**
 * The shared dedupe stores against real servers: Debian's redis-server and PostgreSQL, started on
 * loopback on free ports by test/services (installed with apt when missing).
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

import Redis from 'ioredis';
import { Client } from 'pg';

import { testStoreConnection } from '../../../nodes/shared/dedupe/connectionTest';
import { PostgresDedupeStore } from '../../../nodes/shared/dedupe/postgresStore';
import { RedisDedupeStore } from '../../../nodes/shared/dedupe/redisStore';
import { ReleaseBacklog } from '../../../nodes/shared/dedupe/releaseBacklog';
import type { PostgresConnection, RedisConnection } from '../../../nodes/shared/dedupe/connection';
import type { SharedDedupeStore } from '../../../nodes/shared/dedupe/types';
import { DedupeStoreUnavailable } from '../../../nodes/shared/dedupe/types';
import { rememberedSeconds } from '../../../nodes/shared/n8n/triggerProperties';
import { useStoreServers } from '../storeServers';

jest.setTimeout(60_000);

const opened: SharedDedupeStore[] = [];
const servers = useStoreServers(async () => await Promise.all(opened.map(async (store) => await store.close())));

const redisSettings = (overrides: Partial<RedisConnection> = {}): RedisConnection => ({
	kind: 'redis',
	host: '127.0.0.1',
	port: servers.redis.port,
	username: '',
	password: '',
	database: 0,
	tls: false,
	keyPrefix: 'test-dedupe:',
	...overrides,
});

const postgresSettings = (overrides: Partial<PostgresConnection> = {}): PostgresConnection => ({
	kind: 'postgres',
	...servers.postgres.dedupeSettings('n8n_webhook_dedupe'),
	...overrides,
});

function open<T extends SharedDedupeStore>(store: T): T {
	opened.push(store);
	return store;
}

const stores: Array<[string, () => SharedDedupeStore]> = [
	['Redis', () => open(new RedisDedupeStore(redisSettings()))],
	['PostgreSQL', () => open(new PostgresDedupeStore(postgresSettings()))],
];

let unique = 0;
const freshKey = (label: string) => `wf:node:webhook:${label}-${++unique}-${Date.now()}`;
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe.each(stores)('%s dedupe store', (_name, makeStore) => {
	it('lets exactly one of many concurrent claims of one id through, across several clients', async () => {
		const clients = [makeStore(), makeStore(), makeStore(), makeStore()];
		const key = freshKey('race');
		const claims = Array.from({ length: 40 }, (_, index) => clients[index % clients.length].claim([{ key, windowSeconds: 60 }]));
		const results = (await Promise.all(claims)).map(([isNew]) => isNew);
		expect(results.filter(Boolean)).toHaveLength(1);
	});

	it('checks a batch in one call: new ids claimed, held ids and repeats within the batch refused', async () => {
		const store = makeStore();
		const [a, b, c] = [freshKey('a'), freshKey('b'), freshKey('c')];
		expect(await store.claim([a, b, a].map((key) => ({ key, windowSeconds: 60 })))).toEqual([true, true, false]);
		expect(await store.claim([c, a, b].map((key) => ({ key, windowSeconds: 60 })))).toEqual([true, false, false]);
		const bulk = Array.from({ length: 100 }, (_, index) => ({ key: `${a}-bulk-${index}`, windowSeconds: 60 }));
		expect((await store.claim(bulk)).every(Boolean)).toBe(true);
		expect((await store.claim(bulk)).some(Boolean)).toBe(false);
	});

	it('forgets ids given back (n8n did not store their execution), and only those', async () => {
		const store = makeStore();
		const [lost, kept] = [freshKey('lost'), freshKey('kept')];
		expect(await store.claim([lost, kept].map((key) => ({ key, windowSeconds: 60 })))).toEqual([true, true]);
		await store.forget([lost]);
		expect(await store.claim([lost, kept].map((key) => ({ key, windowSeconds: 60 })))).toEqual([true, false]);
		await store.forget([]);
	});

	it('forgets an id after its window', async () => {
		const store = makeStore();
		const key = freshKey('expiry');
		expect(await store.claim([{ key, windowSeconds: 0.3 }])).toEqual([true]);
		expect(await store.claim([{ key, windowSeconds: 0.3 }])).toEqual([false]);
		await sleep(1_100);
		expect(await store.claim([{ key, windowSeconds: 60 }])).toEqual([true]);
	});

	it('keeps ids of different windows apart in one batch', async () => {
		const store = makeStore();
		const [short, long] = [freshKey('short'), freshKey('long')];
		await store.claim([
			{ key: short, windowSeconds: 0.3 },
			{ key: long, windowSeconds: 60 },
		]);
		await sleep(1_100);
		expect(
			await store.claim([
				{ key: short, windowSeconds: 60 },
				{ key: long, windowSeconds: 60 },
			]),
		).toEqual([true, false]);
	});

	it('holds an id for the longest window Remember Events For allows, and for the hours a user types', async () => {
		const store = makeStore();
		const key = freshKey('decade');
		expect(await store.claim([{ key, windowSeconds: rememberedSeconds(1e10, 1) }])).toEqual([true]);
		expect(await store.claim([{ key, windowSeconds: rememberedSeconds(1, 1) }])).toEqual([false]);
	});
});

describe('Redis dedupe store', () => {
	it('writes one key per id under the prefix, expiring with the window', async () => {
		const store = open(new RedisDedupeStore(redisSettings({ keyPrefix: 'custom/prefix:' })));
		const key = freshKey('prefix');
		await store.claim([{ key, windowSeconds: 30 }]);
		const direct = new Redis({ host: '127.0.0.1', port: servers.redis.port });
		try {
			const ttl = await direct.pttl(`custom/prefix:${key}`);
			expect(ttl).toBeGreaterThan(25_000);
			expect(ttl).toBeLessThanOrEqual(30_000);
		} finally {
			direct.disconnect();
		}
	});
});

describe('PostgreSQL dedupe store', () => {
	const query = async (sql: string, values: unknown[] = []) => {
		const client = new Client({ ...postgresSettings(), ssl: false });
		await client.connect();
		try {
			return await client.query(sql, values);
		} finally {
			await client.end();
		}
	};

	it('creates its table on first use, also in a schema', async () => {
		await query('CREATE SCHEMA IF NOT EXISTS hooks');
		const store = open(new PostgresDedupeStore(postgresSettings({ table: 'hooks.dedupe_ids' })));
		expect(await store.claim([{ key: freshKey('schema'), windowSeconds: 60 }])).toEqual([true]);
		const { rows } = await query(`SELECT count(*)::int AS n FROM hooks.dedupe_ids`);
		expect(rows[0].n).toBe(1);
	});

	it('creates one table from many processes at once: each first claim succeeds (a creation race is retried)', async () => {
		// Separate stores are separate pools, as separate n8n processes would have; repeated over fresh
		// tables because a collision needs two CREATEs to overlap.
		for (let round = 0; round < 5; round++) {
			const table = `race_${round}_${Date.now()}`;
			const racers = Array.from({ length: 8 }, () => open(new PostgresDedupeStore(postgresSettings({ table }))));
			const claims = await Promise.all(racers.map(async (store) => await store.claim([{ key: freshKey('race'), windowSeconds: 60 }])));
			expect(claims).toEqual(racers.map(() => [true]));
		}
	});

	it('gives back a claim whose answer came after the deadline before the request is answered 503', async () => {
		const store = open(new PostgresDedupeStore(postgresSettings()));
		await store.claim([{ key: freshKey('warm'), windowSeconds: 60 }]);
		// The INSERT commits at once but its answer comes late, as on a loaded server or network.
		const pool = (store as unknown as { pool: { query: (...args: unknown[]) => Promise<unknown> } }).pool;
		const original = pool.query.bind(pool);
		pool.query = async (...args: unknown[]) => {
			const result = await original(...args);
			if (String(args[0]).startsWith('INSERT')) await sleep(2_500);
			return result;
		};
		const key = freshKey('late');
		try {
			await expect(store.claim([{ key, windowSeconds: 60 }])).rejects.toBeInstanceOf(DedupeStoreUnavailable);
		} finally {
			pool.query = original;
		}
		// By the time the sender could retry, the row is gone, so the retry is new and not a duplicate.
		expect((await query('SELECT count(*)::int AS n FROM n8n_webhook_dedupe WHERE key = $1', [key])).rows[0].n).toBe(0);
		expect(await store.claim([{ key, windowSeconds: 60 }])).toEqual([true]);
	});

	it('drops a kept give-back whose table does not exist: the claim failed before creating it, so holds nothing', async () => {
		const backlog = new ReleaseBacklog();
		backlog.add({ keys: ['wf:node:webhook:lost'], token: 'token-of-a-503' });
		const store = open(new PostgresDedupeStore(postgresSettings({ table: `not_yet_${Date.now()}` }), backlog));
		expect(await store.claim([{ key: freshKey('first'), windowSeconds: 60 }])).toEqual([true]);
		expect(backlog.busy).toBe(false);
	});

	it('works for a user who may only read and write an existing table (no CREATE rights)', async () => {
		const table = `least_privilege_${Date.now()}`;
		await query(`CREATE TABLE ${table} (key text PRIMARY KEY, token text NOT NULL, expires_at timestamptz NOT NULL)`);
		await query(`DROP ROLE IF EXISTS dedupe_app`);
		await query(`CREATE ROLE dedupe_app LOGIN PASSWORD 'app-password'`);
		await query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
		await query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO dedupe_app`);
		const app = postgresSettings({ table, user: 'dedupe_app', password: 'app-password' });
		const store = open(new PostgresDedupeStore(app));
		expect(await store.claim([{ key: freshKey('app'), windowSeconds: 60 }])).toEqual([true]);
		expect(await testStoreConnection(app)).toMatchObject({ ok: true });
		// Without the table, the message says what the user may not do.
		expect(await testStoreConnection({ ...app, table: `missing_${Date.now()}` })).toMatchObject({
			ok: false,
			message: expect.stringMatching(/^User: "dedupe_app" may not create or write the table/),
		});
	});

	it('deletes expired rows in batches, off the request path', async () => {
		const table = `cleanup_${Date.now()}`;
		const first = open(new PostgresDedupeStore(postgresSettings({ table })));
		await first.claim(Array.from({ length: 50 }, (_, index) => ({ key: `old-${index}`, windowSeconds: 0.2 })));
		await sleep(500);
		// A new process's first claim runs the cleanup.
		const second = open(new PostgresDedupeStore(postgresSettings({ table })));
		await second.claim([{ key: 'new', windowSeconds: 60 }]);
		let left = 51;
		for (let attempt = 0; attempt < 50 && left > 1; attempt++) {
			await sleep(100);
			left = (await query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
		}
		expect(left).toBe(1);
	});
});

describe.each([
	['Redis', () => servers.redis, () => open(new RedisDedupeStore(redisSettings()))],
	['PostgreSQL', () => servers.postgres, () => open(new PostgresDedupeStore(postgresSettings()))],
] as const)('%s store down and back', (_name, server, makeStore) => {
	it('fails the claim (never passes it) while the server is down, and works again once it is back', async () => {
		const store = makeStore();
		expect(await store.claim([{ key: freshKey('before'), windowSeconds: 60 }])).toEqual([true]);
		await server().stopServer();
		const retried = freshKey('down');
		try {
			await expect(store.claim([{ key: retried, windowSeconds: 60 }])).rejects.toBeInstanceOf(DedupeStoreUnavailable);
		} finally {
			await server().startServer();
		}
		// The sender retries the refused event: it must be new, not held by the claim that was answered 503.
		let result: boolean[] | undefined;
		for (let attempt = 0; attempt < 30 && !result; attempt++) {
			result = await store.claim([{ key: retried, windowSeconds: 60 }]).catch(async () => {
				await sleep(200);
				return undefined;
			});
		}
		expect(result).toEqual([true]);
	});
});

describe('a store that answers garbage, drops the connection or never answers', () => {
	const fakeServers: Server[] = [];
	const sockets = new Set<Socket>();
	afterAll(async () => {
		for (const socket of sockets) socket.destroy();
		await Promise.all(fakeServers.map(async (server) => await new Promise((resolve) => server.close(resolve))));
	});

	async function fakeServer(onData: (socket: Socket) => void): Promise<number> {
		const server = createServer((socket) => {
			sockets.add(socket);
			socket.on('error', () => undefined);
			socket.on('data', () => onData(socket));
		});
		fakeServers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return (server.address() as AddressInfo).port;
	}

	const redisOn = (port: number) => new RedisDedupeStore(redisSettings({ port }));
	const postgresOn = (port: number) => new PostgresDedupeStore(postgresSettings({ port }));

	it.each([
		['Redis', 'garbage', redisOn, (socket: Socket) => socket.write('%%% not a redis reply\r\n')],
		['Redis', 'a dropped connection', redisOn, (socket: Socket) => socket.destroy()],
		['Redis', 'a well-formed but unexpected reply', redisOn, (socket: Socket) => socket.write('+PONG\r\n')],
		['Redis', 'silence', redisOn, () => undefined],
		['PostgreSQL', 'garbage', postgresOn, (socket: Socket) => socket.write('garbage, not the PostgreSQL protocol')],
		['PostgreSQL', 'a dropped connection', postgresOn, (socket: Socket) => socket.destroy()],
		['PostgreSQL', 'silence', postgresOn, () => undefined],
	])('%s: %s → unavailable, within the bound', async (_store, _case, storeOn, behaviour) => {
		const port = await fakeServer(behaviour);
		const store = storeOn(port);
		await expect(store.claim([{ key: 'k', windowSeconds: 60 }])).rejects.toBeInstanceOf(DedupeStoreUnavailable);
		await store.close();
	});
});

describe('the credential test connects and names the wrong setting', () => {
	beforeAll(async () => {
		const admin = new Redis({ host: '127.0.0.1', port: servers.redis.port });
		await admin.call('ACL', 'SETUSER', 'dedupe', 'on', '>right-password', '~*', '+@all');
		await admin.call('ACL', 'SETUSER', 'no-eval', 'on', '>right-password', '~*', '+@all', '-eval');
		admin.disconnect();
	});

	it('passes with the right values', async () => {
		expect(await testStoreConnection(redisSettings({ username: 'dedupe', password: 'right-password' }))).toMatchObject({ ok: true });
		expect(await testStoreConnection(redisSettings())).toMatchObject({ ok: true });
		expect(await testStoreConnection(postgresSettings({ table: 'credential_test_table' }))).toMatchObject({ ok: true });
	});

	it.each([
		['Redis: nothing listening', () => redisSettings({ port: 1 }), /^Host\/Port: nothing accepts connections at 127\.0\.0\.1:1/],
		['Redis: unknown database index', () => redisSettings({ database: 999 }), /^Database Index: Redis has no database 999/],
		[
			'Redis: wrong password of an ACL user',
			() => redisSettings({ username: 'dedupe', password: 'wrong' }),
			/^Password \(or Username\): Redis refused them/,
		],
		[
			'Redis: a user who may SET but not give a claim back (EVAL)',
			() => redisSettings({ username: 'no-eval', password: 'right-password' }),
			/^Username: this user may not run SET and EVAL/,
		],
		[
			'Redis: TLS against a plain server',
			() => redisSettings({ tls: true }),
			/^(TLS: the TLS handshake failed|Host\/Port: .* or TLS is on but the server does not use TLS)/,
		],
		['Redis: a key prefix that is not plain', () => redisSettings({ keyPrefix: 'a b' }), /^Key Prefix "a b"/],
		['PostgreSQL: wrong password', () => postgresSettings({ password: 'wrong' }), /^Password \(or User\)/],
		['PostgreSQL: no password for a password user', () => postgresSettings({ password: '' }), /^Password: PostgreSQL requires one/],
		['PostgreSQL: unknown user', () => postgresSettings({ user: 'nobody' }), /^Password \(or User\)|^User/],
		['PostgreSQL: unknown database', () => postgresSettings({ database: 'no_such_db' }), /^Database: "no_such_db" does not exist/],
		['PostgreSQL: nothing listening', () => postgresSettings({ port: 1 }), /^Host\/Port: nothing accepts connections/],
		['PostgreSQL: SSL against a server without it', () => postgresSettings({ ssl: 'require' }), /^SSL/],
		[
			'PostgreSQL: unknown schema',
			() => postgresSettings({ table: 'missing_schema.t' }),
			/^Table: the schema of "missing_schema.t" does not exist/,
		],
		[
			'PostgreSQL: a table name that is not plain',
			() => postgresSettings({ table: 't; DROP TABLE x' }),
			/^Table "t; DROP TABLE x" is not a plain name/,
		],
	])('%s', async (_case, settings, message) => {
		const result = await testStoreConnection(settings());
		expect(result.ok).toBe(false);
		expect(result.message).toMatch(message);
		expect(result.message).not.toContain(servers.postgres.password);
	});
});
