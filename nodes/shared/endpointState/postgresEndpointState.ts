import { Pool } from 'pg';

import { quotedTableName } from '../dedupe/identifiers';
import { CLEANUP_BATCH, batchedCleanup, createTables, poolConfig } from '../dedupe/postgresStore';
import type { PostgresConnection } from '../dedupe/connection';
import { STORE_TIMEOUT_MS, withinDeadline } from '../dedupe/types';
import type { CircuitState, SaveOutcome } from '../outbound/circuitBreaker';
import { parseCircuit } from '../outbound/circuitBreaker';
import type { SharedEndpointState } from './types';

/** The table beside the dedupe table: its name plus `_endpoints`, kept within PostgreSQL's 63 characters. */
export function endpointTableName(dedupeTable: string): string {
	const parts = dedupeTable.split('.');
	const bare = parts.pop() as string;
	return [...parts, `${bare.slice(0, 53)}_endpoints`].join('.');
}

/**
 * One row per key. The arrival time is moved on with the server's clock in one statement: the row
 * lock of `ON CONFLICT … DO UPDATE` makes concurrent turns queue up, so no two get the same slot.
 * clock_timestamp(), not the statement's start: a turn that waited for the lock must not count that wait twice.
 * A conditional save (see CircuitStore.save) is the same statement with a WHERE, checked on the locked row.
 * Cleanup removes what Redis lets expire: a rate row a minute after its arrival passed, a circuit 30 days
 * after its last save, never while a probe is held. It has no index (one on updated_at would cost every
 * turn a non-HOT update); its scan stops at the batch's size.
 */
export function endpointStatements(dedupeTable: string) {
	const name = quotedTableName(endpointTableName(dedupeTable));
	const nowMs = 'extract(epoch from clock_timestamp()) * 1000';
	return {
		create: `CREATE TABLE IF NOT EXISTS ${name} (key text PRIMARY KEY, arrival double precision, circuit text, probe_until timestamptz, updated_at timestamptz NOT NULL DEFAULT now())`,
		take:
			`INSERT INTO ${name} AS held (key, arrival) VALUES ($1, ${nowMs} + $2) ` +
			`ON CONFLICT (key) DO UPDATE SET arrival = GREATEST(COALESCE(held.arrival, 0), ${nowMs}) + $2, updated_at = now() ` +
			`RETURNING held.arrival - $2 - ${nowMs} AS wait`,
		pause:
			`INSERT INTO ${name} AS held (key, arrival) VALUES ($1, ${nowMs} + $2) ` +
			`ON CONFLICT (key) DO UPDATE SET arrival = GREATEST(COALESCE(held.arrival, 0), ${nowMs} + $2), updated_at = now()`,
		load: `SELECT circuit FROM ${name} WHERE key = $1`,
		save:
			`INSERT INTO ${name} AS held (key, circuit) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET circuit = EXCLUDED.circuit, updated_at = now() ` +
			`WHERE NOT $3::boolean OR held.circuit IS NULL OR held.circuit = $4::text RETURNING key`,
		claimProbe:
			`INSERT INTO ${name} AS held (key, probe_until) VALUES ($1, now() + make_interval(secs => $2)) ` +
			`ON CONFLICT (key) DO UPDATE SET probe_until = EXCLUDED.probe_until WHERE held.probe_until IS NULL OR held.probe_until <= now() RETURNING key`,
		releaseProbe: `UPDATE ${name} SET probe_until = NULL WHERE key = $1`,
		cleanup:
			`DELETE FROM ${name} WHERE ctid IN (SELECT ctid FROM ${name} WHERE (probe_until IS NULL OR probe_until <= now()) ` +
			`AND (arrival IS NULL OR arrival < ${nowMs} - 60000) AND (circuit IS NULL OR updated_at < now() - interval '30 days') ` +
			`LIMIT ${CLEANUP_BATCH})`,
	};
}

export class PostgresEndpointState implements SharedEndpointState {
	private readonly pool: Pool;
	private readonly sql: ReturnType<typeof endpointStatements>;
	private tableReady?: Promise<unknown>;
	private readonly cleanupNowAndThen: () => void;

	constructor(private readonly settings: PostgresConnection) {
		this.sql = endpointStatements(settings.table);
		this.pool = new Pool({ ...poolConfig(settings), min: 0, application_name: 'n8n-outbound-endpoints' });
		this.pool.on('error', () => undefined);
		this.cleanupNowAndThen = batchedCleanup(this.pool, this.sql.cleanup);
	}

	private get where() {
		return `PostgreSQL at ${this.settings.host}:${this.settings.port}`;
	}

	private async query<Row extends Record<string, unknown>>(text: string, values: unknown[]) {
		const work = async () => {
			// A failed creation is tried again by the next call.
			this.tableReady ??= createTables(this.pool, [this.sql.create]).then((failure) => {
				if (!failure) return;
				this.tableReady = undefined;
				throw failure;
			});
			await this.tableReady;
			const result = await this.pool.query<Row>(text, values);
			this.cleanupNowAndThen();
			return result;
		};
		return await withinDeadline(work(), STORE_TIMEOUT_MS, this.where);
	}

	async take(key: string, intervalMs: number): Promise<number> {
		const result = await this.query<{ wait: number }>(this.sql.take, [`rate:${key}`, intervalMs]);
		return Math.max(0, Number(result.rows[0]?.wait ?? 0));
	}

	async pause(key: string, pauseMs: number): Promise<void> {
		await this.query(this.sql.pause, [`rate:${key}`, pauseMs]);
	}

	async load(key: string): Promise<CircuitState | undefined> {
		const result = await this.query<{ circuit: string | null }>(this.sql.load, [`circuit:${key}`]);
		return parseCircuit(result.rows[0]?.circuit ?? undefined);
	}

	async save(key: string, circuit: CircuitState, ifStill?: CircuitState | null): Promise<SaveOutcome> {
		const values = [`circuit:${key}`, JSON.stringify(circuit), ifStill !== undefined, ifStill ? JSON.stringify(ifStill) : null];
		const result = await this.query(this.sql.save, values);
		// Refused: one more round trip says what is stored (only after another run changed it).
		return (result.rowCount ?? 0) > 0 ? { saved: true } : { saved: false, stored: await this.load(key) };
	}

	async claimProbe(key: string, holdMs: number): Promise<boolean> {
		const result = await this.query(this.sql.claimProbe, [`circuit:${key}`, holdMs / 1000]);
		return (result.rowCount ?? 0) > 0;
	}

	async releaseProbe(key: string): Promise<void> {
		await this.query(this.sql.releaseProbe, [`circuit:${key}`]);
	}

	async close(): Promise<void> {
		await withinDeadline(this.pool.end(), STORE_TIMEOUT_MS, this.where).catch(() => undefined);
	}
}
