import { isIP } from 'node:net';

import { Pool } from 'pg';
import type { PoolConfig } from 'pg';

import { quotedTableName } from './identifiers';
import type { PostgresConnection } from './connection';
import { ReleaseBacklog } from './releaseBacklog';
import type { Release } from './releaseBacklog';
import type { DedupeClaim, SharedDedupeStore } from './types';
import { ClaimsInFlight, DedupeStoreUnavailable, STORE_TIMEOUT_MS, claimToken, unavailable, withinDeadline } from './types';

const CLEANUP_INTERVAL_MS = 60_000;
export const CLEANUP_BATCH = 1_000;
/** PostgreSQL's code for a relation that does not exist. */
const UNDEFINED_TABLE = '42P01';
/** How long close() lets claims under way finish (each is bounded: its claim, its INSERT's timeout, one give-back). */
const CLOSE_WAIT_MS = 4 * STORE_TIMEOUT_MS;

export function poolConfig(settings: PostgresConnection): PoolConfig {
	return {
		host: settings.host,
		port: settings.port,
		database: settings.database,
		user: settings.user,
		password: settings.password,
		ssl:
			settings.ssl === 'disable'
				? false
				: { rejectUnauthorized: settings.ssl === 'verify', servername: isIP(settings.host) ? undefined : settings.host },
		max: 10,
		// Opening a connection is the slow part under load; keep two open once a burst has opened them.
		min: 2,
		connectionTimeoutMillis: STORE_TIMEOUT_MS,
		idleTimeoutMillis: 30_000,
		allowExitOnIdle: true,
		// The server abandons (and rolls back) a claim the request no longer waits for.
		statement_timeout: STORE_TIMEOUT_MS,
		query_timeout: STORE_TIMEOUT_MS + 500,
		application_name: 'n8n-webhook-dedupe',
	};
}

/** The SQL, with the validated, quoted table name; ids and windows are always parameters. */
export function statements(table: string) {
	const name = quotedTableName(table);
	const bare = table.split('.').pop() as string;
	const index = `"${bare.slice(0, 50)}_expires_at_idx"`;
	return {
		/** The table name as to_regclass reads it: a table that exists needs no CREATE rights. */
		regclass: name,
		exists: `SELECT to_regclass($1) IS NOT NULL AS present`,
		create: [
			`CREATE TABLE IF NOT EXISTS ${name} (key text PRIMARY KEY, token text NOT NULL, expires_at timestamptz NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS ${index} ON ${name} (expires_at)`,
		],
		// An expired row counts as absent: the conflict branch takes it over, and RETURNING lists what was claimed now.
		claim:
			`INSERT INTO ${name} AS held (key, token, expires_at) ` +
			`SELECT claim.key, $3, now() + make_interval(secs => claim.window_seconds) FROM unnest($1::text[], $2::float8[]) AS claim(key, window_seconds) ` +
			`ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at WHERE held.expires_at <= now() ` +
			`RETURNING key`,
		// Every kept give-back in one statement: pairs of a key and the token of the request that claimed it.
		release: `DELETE FROM ${name} AS held USING unnest($1::text[], $2::text[]) AS given(key, token) WHERE held.key = given.key AND held.token = given.token`,
		forget: `DELETE FROM ${name} WHERE key = ANY($1::text[])`,
		cleanup: `DELETE FROM ${name} WHERE ctid IN (SELECT ctid FROM ${name} WHERE expires_at <= now() LIMIT ${CLEANUP_BATCH})`,
	};
}

/**
 * Runs `statement` (a DELETE of at most CLEANUP_BATCH rows) off the request path each time the
 * returned function is called after a request: at most once a minute per process, and again at once
 * while a batch comes back full, so cleanup keeps up with any rate. A failure waits for the next minute.
 */
export function batchedCleanup(pool: Pool, statement: string): () => void {
	let nextAt = 0;
	let cleaning = false;
	return () => {
		const now = Date.now();
		if (cleaning || now < nextAt) return;
		cleaning = true;
		pool
			.query(statement)
			.then((result) => (nextAt = (result.rowCount ?? 0) >= CLEANUP_BATCH ? 0 : now + CLEANUP_INTERVAL_MS))
			.catch(() => (nextAt = now + CLEANUP_INTERVAL_MS))
			.finally(() => (cleaning = false));
	};
}

/**
 * Runs CREATE … IF NOT EXISTS statements in order. Two processes creating a table at once may collide
 * (IF NOT EXISTS checks before it creates): PostgreSQL then reports a duplicate key in its catalog
 * (23505), a duplicate table (42P07) or a duplicate type (42710). Each statement can collide once with
 * another creator, so up to three tries; by then the others have finished. Resolves with the failure,
 * undefined on success.
 */
const CREATION_RACE_CODES = new Set(['23505', '42P07', '42710']);

export async function createTables(pool: Pool, statements: readonly string[]): Promise<Error | undefined> {
	let failure: Error | undefined;
	for (let attempt = 1; attempt <= 3; attempt++) {
		failure = await statements
			.reduce(async (done: Promise<unknown>, statement) => await done.then(async () => await pool.query(statement)), Promise.resolve())
			.then(
				() => undefined,
				(error: unknown) => (error as Error) ?? new Error('unknown error'),
			);
		if (failure === undefined) return undefined;
		const code = (failure as { code?: string }).code;
		if (!CREATION_RACE_CODES.has(code ?? '')) break;
	}
	return failure;
}

/** Whether the table exists, for a client or a pool. */
export async function tableExists(
	client: Pick<Pool, 'query'>,
	sql: Pick<ReturnType<typeof statements>, 'exists' | 'regclass'>,
): Promise<boolean> {
	const { rows } = await client.query<{ present: boolean }>(sql.exists, [sql.regclass]);
	return rows[0]?.present === true;
}

/**
 * One `INSERT … ON CONFLICT` for all ids of a request. The primary key makes it atomic: of any
 * number of concurrent claims of one key, exactly one inserts (or takes over an expired row); the
 * others wait for its row lock, see a live row and return nothing.
 */
export class PostgresDedupeStore implements SharedDedupeStore {
	private readonly pool: Pool;
	private readonly sql: ReturnType<typeof statements>;
	private tableReady?: Promise<void>;
	private readonly cleanupNowAndThen: () => void;
	private readonly inFlight = new ClaimsInFlight();

	constructor(
		private readonly settings: PostgresConnection,
		private readonly backlog = new ReleaseBacklog(),
	) {
		this.sql = statements(settings.table);
		this.pool = new Pool(poolConfig(settings));
		// An idle connection that breaks must not crash n8n; the next claim reconnects.
		this.pool.on('error', () => undefined);
		this.cleanupNowAndThen = batchedCleanup(this.pool, this.sql.cleanup);
	}

	private get where() {
		return `PostgreSQL at ${this.settings.host}:${this.settings.port}`;
	}

	async claim(claims: DedupeClaim[]): Promise<boolean[]> {
		return await this.inFlight.claim(claims, async (unique) => await this.insertOnce(unique));
	}

	async forget(keys: string[]): Promise<void> {
		if (keys.length === 0) return;
		await withinDeadline(this.inFlight.track(this.pool.query(this.sql.forget, [keys])), STORE_TIMEOUT_MS, this.where);
	}

	private async insertOnce(unique: DedupeClaim[]): Promise<Set<string>> {
		await this.earlierClaimsGivenBack();
		const token = claimToken();
		const attempt = { abandoned: false };
		const work = this.insert(unique, token, attempt);
		try {
			const claimed = await withinDeadline(work, STORE_TIMEOUT_MS, this.where);
			this.cleanupNowAndThen();
			return claimed;
		} catch (error) {
			attempt.abandoned = true;
			await this.giveBack(work, unique, token);
			throw unavailable(error, this.where);
		}
	}

	/**
	 * Undoes a claim whose request is answered 503, before that answer goes out: otherwise the
	 * sender's retry could find the row and be taken for a duplicate, and the event would be lost.
	 * The INSERT may still commit after the client gave up on it (a late answer, a client-side
	 * timeout), and a DELETE on another pooled connection could run first; so this waits until the
	 * INSERT has settled (the statement and query timeouts bound that), then deletes whatever holds
	 * this request's token, whether or not the INSERT reported rows. A DELETE that fails, or takes
	 * longer than the bound (a stalled server), stays in the backlog, which runs before the next claim.
	 */
	private async giveBack(work: Promise<unknown>, unique: DedupeClaim[], token: string): Promise<void> {
		await work.catch(() => undefined);
		this.backlog.add({ keys: unique.map(({ key }) => key), token });
		const until = Date.now() + STORE_TIMEOUT_MS;
		// Another store's sending may be under way: once it is done, this one's give-back is sent too.
		for (let round = 0; round < 2 && this.backlog.busy && Date.now() < until; round++) {
			await withinDeadline(this.releasesSettled(), until - Date.now(), this.where).catch(() => undefined);
		}
	}

	/**
	 * A give-back kept from an earlier 503 runs before any new claim: the next request is usually that
	 * sender's retry, whose INSERT would otherwise find the old row and be taken for a duplicate. While
	 * one cannot be given back, nothing is claimed (503 again).
	 */
	private async earlierClaimsGivenBack(): Promise<void> {
		if (!this.backlog.busy) return;
		await withinDeadline(this.releasesSettled(), STORE_TIMEOUT_MS, this.where);
		// Still busy: a sending failed and is kept, or another store sends again; its DELETE must not be overtaken.
		if (this.backlog.busy) {
			throw new DedupeStoreUnavailable(`${this.where}: an earlier claim answered 503 could not be given back yet`);
		}
	}

	/** Runs the kept give-backs, one sending at a time across stores of these settings, so no claim overtakes a DELETE. */
	private async releasesSettled(): Promise<void> {
		await this.backlog.drain(async (releases) => await this.deleteReleases(releases));
	}

	/**
	 * One DELETE for the give-backs: pairs of a key and the token of the request that claimed it. No table
	 * (undefined_table) means the claims failed before creating it: nothing is held, so nothing to give back.
	 */
	private async deleteReleases(releases: Release[]): Promise<void> {
		const keys = releases.flatMap((release) => release.keys);
		const tokens = releases.flatMap((release) => release.keys.map(() => release.token));
		await withinDeadline(this.pool.query(this.sql.release, [keys, tokens]), STORE_TIMEOUT_MS, this.where).catch(
			(error: { code?: string }) => {
				if (error.code !== UNDEFINED_TABLE) throw error;
			},
		);
	}

	private async insert(unique: DedupeClaim[], token: string, attempt: { abandoned: boolean }): Promise<Set<string>> {
		await this.ensureTable();
		// The request was answered 503 while the table was being created: claim nothing.
		if (attempt.abandoned) return new Set();
		const keys = unique.map(({ key }) => key);
		const result = await this.pool.query<{ key: unknown }>(this.sql.claim, [keys, unique.map(({ windowSeconds }) => windowSeconds), token]);
		const asked = new Set(keys);
		const claimed = new Set<string>();
		for (const row of result.rows ?? []) {
			if (typeof row.key !== 'string' || !asked.has(row.key))
				throw new DedupeStoreUnavailable(`${this.where} answered with a key it was not asked for`);
			claimed.add(row.key);
		}
		return claimed;
	}

	/** The table, created once per process unless it exists; a failed attempt is tried again by the next request. */
	private async ensureTable(): Promise<void> {
		this.tableReady ??= this.createTable();
		this.tableReady.catch(() => (this.tableReady = undefined));
		await this.tableReady;
	}

	private async createTable(): Promise<void> {
		// A user with only the rights to read and write an existing table may not even run CREATE … IF NOT EXISTS.
		if (await tableExists(this.pool, this.sql)) return;
		const failure = await createTables(this.pool, this.sql.create);
		if (failure) throw new DedupeStoreUnavailable(`${this.where}: creating the table ${this.settings.table} failed: ${failure.message}`);
	}

	/**
	 * Lets claims under way finish first (for up to CLOSE_WAIT_MS), so their give-backs run on this pool or stay
	 * in the backlog, which the next store for these settings takes over. A claim that outlasts the wait finds
	 * the pool ended: its give-back fails, and so stays in the backlog too.
	 */
	async close(): Promise<void> {
		await this.inFlight.settled(CLOSE_WAIT_MS, this.where);
		await withinDeadline(this.releasesSettled(), STORE_TIMEOUT_MS, this.where).catch(() => undefined);
		await withinDeadline(this.pool.end(), STORE_TIMEOUT_MS, this.where).catch(() => undefined);
	}
}
