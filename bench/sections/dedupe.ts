/**
 * Comparison 13/14: what the dedupe check costs per event with each store, and what the static-data
 * store costs per request as it fills up. Redis and PostgreSQL run on loopback (test/services starts
 * Debian's servers on free ports), so the figures are the stores' own round trips, not a network's.
 *
 * - Per event, one at a time: a fresh id checked and recorded, as a single Inbound request does.
 * - Per event in a CRM bulk of 100: one call for all, divided by 100.
 * - The static-data store per request with 0, 10,000 and 100,000 ids kept: what n8n does around
 *   webhook() with static data (JSON.parse of the stored copy, the check, JSON.stringify to save it
 *   when the store asks for a save),
 *   against the same with the older form (an object of 22-character hashes).
 * - The accepted rate in a real n8n with 0, 10,000 and 100,000 ids kept (../dedupeRate.ts).
 */
import { PostgresDedupeStore } from '../../nodes/shared/dedupe/postgresStore';
import { RedisDedupeStore } from '../../nodes/shared/dedupe/redisStore';
import type { SharedDedupeStore } from '../../nodes/shared/dedupe/types';
import { DedupeStore, STATIC_DATA_KEY, hashEventId } from '../../nodes/shared/inbound/dedupeStore';
import { dedupeRateRows, measureDedupeRates } from '../dedupeRate';
import type { Row, Section } from '../lib/report';
import { formatNumber, percentile, round } from '../lib/stats';

const { startPostgres, startRedis } = require('../../test/services/index.js');

const EVENTS = 3_000;
const WARM_UP = 300;
const BULK = 100;
const BULKS = 100;
const STATIC_REQUESTS = 300;
const WINDOW_SECONDS = 3600;

interface Timing {
	p50: number;
	p99: number;
}

const micros = (since: bigint) => Number(process.hrtime.bigint() - since) / 1000;
const timing = (samples: number[]): Timing => ({ p50: round(percentile(samples, 50), 1), p99: round(percentile(samples, 99), 1) });
const text = ({ p50, p99 }: Timing) => `${formatNumber(p50)} / ${formatNumber(p99)} µs`;

let run = 0;
const freshIds = (label: string, count: number) => {
	run++;
	return Array.from({ length: count }, (_, index) => `${label}-${run}-${index}`);
};

/** One event per call: µs per event. */
async function perEvent(check: (id: string) => Promise<unknown>, label: string): Promise<Timing> {
	for (const id of freshIds(`${label}-warm`, WARM_UP)) await check(id);
	const samples: number[] = [];
	for (const id of freshIds(label, EVENTS)) {
		const since = process.hrtime.bigint();
		await check(id);
		samples.push(micros(since));
	}
	return timing(samples);
}

/** A bulk of BULK events per call: µs per event. */
async function perEventInBulk(check: (ids: string[]) => Promise<unknown>, label: string): Promise<Timing> {
	const samples: number[] = [];
	for (let bulk = 0; bulk < BULKS + 10; bulk++) {
		const ids = freshIds(label, BULK);
		const since = process.hrtime.bigint();
		await check(ids);
		if (bulk >= 10) samples.push(micros(since) / BULK);
	}
	return timing(samples);
}

const sharedCheck = (store: SharedDedupeStore) => async (ids: string[]) =>
	await store.claim(ids.map((id) => ({ key: `bench:node:webhook:${hashEventId(id)}`, windowSeconds: WINDOW_SECONDS })));

function staticCheck() {
	const store = new DedupeStore();
	const staticData = {};
	return async (ids: string[]) => {
		const scope = store.open('bench:node:webhook', staticData, { windowSeconds: WINDOW_SECONDS, maxEntries: 100_000 });
		return ids.map((id) => scope.seenBefore(id));
	};
}

/** The static-data store as n8n drives it: load (parse), check one new id, save (stringify). */
function staticRequestCost(storedIds: number, legacy: boolean): Timing {
	const store = new DedupeStore();
	const options = { windowSeconds: WINDOW_SECONDS, maxEntries: 100_000 };
	let saved: string;
	if (legacy) {
		const expiry = Math.floor(Date.now() / 1000) + WINDOW_SECONDS;
		const ids = Object.fromEntries(freshIds('legacy', storedIds).map((id) => [hashEventId(id), expiry]));
		saved = JSON.stringify({ node: { [STATIC_DATA_KEY]: { v: 1, ids } } });
	} else {
		const data: Record<string, unknown> = {};
		const scope = store.open('s', data, options);
		for (const id of freshIds('fill', storedIds)) scope.seenBefore(id);
		saved = JSON.stringify({ node: data });
	}
	const samples: number[] = [];
	for (const id of freshIds('request', STATIC_REQUESTS)) {
		const since = process.hrtime.bigint();
		const loaded = JSON.parse(saved) as { node: Record<string, unknown> };
		if (legacy) {
			// The older store's work on the loaded object: a lookup and an insert.
			const persisted = loaded.node[STATIC_DATA_KEY] as { ids: Record<string, number> };
			const hash = hashEventId(id);
			if (!(hash in persisted.ids)) persisted.ids[hash] = Math.floor(Date.now() / 1000) + WINDOW_SECONDS;
			saved = JSON.stringify(loaded);
		} else {
			const scope = store.open('s', loaded.node, options);
			scope.seenBefore(id);
			// n8n saves only what the store marked changed; otherwise the next request loads the same copy.
			if (scope.needsSave) saved = JSON.stringify(loaded);
		}
		samples.push(micros(since));
	}
	return timing(samples);
}

function sharedRows(results: Record<string, Timing>): Row[] {
	const row = (id: string, comparison: string, ours: Timing, baseline: Timing): Row => ({
		id,
		comparison,
		ours: text(ours),
		baseline: `${text(baseline)} (static data)`,
		ratio: round(ours.p50 / baseline.p50, 1),
		target: '—',
		met: null,
	});
	return [
		row('13a', 'Dedupe check per event, Redis SET NX PX on loopback, p50 / p99', results.redis, results.staticData),
		row('13b', 'Dedupe check per event, PostgreSQL INSERT … ON CONFLICT on loopback, p50 / p99', results.postgres, results.staticData),
		row('13c', 'Dedupe check per event in a bulk of 100 (one call), Redis, p50 / p99', results.redisBulk, results.staticDataBulk),
		row('13d', 'Dedupe check per event in a bulk of 100 (one call), PostgreSQL, p50 / p99', results.postgresBulk, results.staticDataBulk),
	];
}

function staticRows(sizes: Record<string, { compact: Timing; legacy: Timing }>): Row[] {
	return Object.entries(sizes).map(([size, { compact, legacy }], index) => ({
		id: `14${String.fromCharCode(97 + index)}`,
		comparison: `Static-data store per request with ${size} ids kept (n8n's parse + check + stringify when saved), p50 / p99`,
		ours: text(compact),
		baseline: `${text(legacy)} (older form)`,
		ratio: round(compact.p50 / legacy.p50, 2),
		target: '—',
		met: null,
	}));
}

export async function dedupeSection(): Promise<Section> {
	const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
	const redisStore = new RedisDedupeStore({
		kind: 'redis',
		host: '127.0.0.1',
		port: redis.port,
		username: '',
		password: '',
		database: 0,
		tls: false,
		keyPrefix: 'bench:',
	});
	const postgresStore = new PostgresDedupeStore({ kind: 'postgres', ...postgres.dedupeSettings('bench_dedupe') });
	try {
		const results: Record<string, Timing> = {};
		const stores = { staticData: staticCheck(), redis: sharedCheck(redisStore), postgres: sharedCheck(postgresStore) };
		for (const [name, check] of Object.entries(stores)) {
			results[name] = await perEvent(async (id) => await check([id]), name);
			results[`${name}Bulk`] = await perEventInBulk(check, `${name}-bulk`);
		}
		const sizes: Record<string, { compact: Timing; legacy: Timing }> = {};
		for (const size of [0, 10_000, 100_000]) {
			sizes[size.toLocaleString('en-US')] = { compact: staticRequestCost(size, false), legacy: staticRequestCost(size, true) };
		}
		const rates = await measureDedupeRates();
		return {
			rows: [...sharedRows(results), ...staticRows(sizes), ...dedupeRateRows(rates)],
			details: { perEvent: results, staticPerRequest: sizes, events: EVENTS, bulk: BULK, acceptedRate: rates },
		};
	} finally {
		await Promise.all([redisStore.close(), postgresStore.close()]);
		await Promise.all([redis.stop(), postgres.stop()]);
	}
}
