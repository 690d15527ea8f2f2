import { createHash, randomBytes } from 'node:crypto';

/**
 * Remembers event ids for a window so a redelivered event starts no second execution.
 *
 * Why not n8n's own deduplication (the helpers behind the Remove Duplicates node,
 * `checkProcessedAndRecord` and friends): n8n 2.41 gives them only to the execute and supply-data
 * contexts (n8n-core execute-context.js, supply-data-context.js); `webhook()` runs in a
 * WebhookContext, which has no such helpers, and a duplicate must be refused before an execution
 * starts. So this store persists in the node's workflow static data instead, which n8n loads fresh
 * for every webhook request and saves after it, even when no execution starts.
 *
 * Static data alone races: two requests load the same old copy and the last save wins, dropping
 * the other's id. So an in-process map per workflow node is the authority (the check-and-record is
 * synchronous, so two requests in one process can never both pass), and every request also repairs
 * the copy it writes: each process numbers the ids it records and leaves a mark in static data,
 * "this copy holds my ids up to N". A request whose loaded copy carries an older mark writes back
 * the ids recorded since, so a later save restores whatever an earlier concurrent one dropped. That
 * costs one step per id recorded since the copy was saved, however many ids are kept.
 *
 * Ids are stored as truncated SHA-256 hashes, never raw: an id can be an e-mail address or carry data.
 *
 * Queue mode (several webhook processes): each process has its own map, and static data is the
 * shared database copy. A redelivery that arrives after the first request's save (retries come
 * seconds to hours later) is caught by whichever process gets it; two copies that reach two
 * processes within the same few milliseconds can both pass. Exactly-once across processes would
 * need a shared lock n8n does not offer to webhook().
 */
export interface DedupeOptions {
	/** How long an id is remembered. */
	windowSeconds: number;
	/** Most ids remembered per node; the oldest are forgotten first. */
	maxEntries: number;
}

export const DEFAULT_DEDUPE_OPTIONS: DedupeOptions = { windowSeconds: 24 * 3600, maxEntries: 10_000 };

/** Where a scope keeps its ids inside the node's static data. */
export const STATIC_DATA_KEY = 'dedupe';
const PRUNE_INTERVAL_SECONDS = 60;
/** Marks of this many processes are kept; beyond that they are reset (costing one full repair). */
const MAX_MARKS = 16;

interface Persisted {
	v: 1;
	/** hashed id → expiry (unix seconds) */
	ids: Record<string, number>;
	/** process → the last of its record numbers this copy holds */
	marks?: Record<string, number>;
}

interface ScopeState {
	/** hashed id → expiry, oldest first */
	seen: Map<string, number>;
	/** ids in the order this process recorded them, numbered */
	log: Array<{ seq: number; hash: string }>;
	counter: number;
	nextPruneAt: number;
}

export type StaticData = Record<string, unknown>;

export const hashEventId = (eventId: string): string =>
	createHash('sha256').update(eventId).digest('base64url').slice(0, 22);

export interface DedupeScope {
	/** True when the id was seen within the window; otherwise records it and returns false. */
	seenBefore(eventId: string): boolean;
}

export class DedupeStore {
	private readonly scopes = new Map<string, ScopeState>();

	/** Tells this process's marks apart from other processes' (queue mode) and from before a restart. */
	private readonly processId = randomBytes(6).toString('base64url');

	constructor(private readonly clock: () => number = () => Date.now() / 1000) {}

	/**
	 * A scope for one request. `scopeKey` identifies the node (workflow id, node id, production or
	 * test); `staticData` is the node's static data as n8n loaded it for this request.
	 */
	open(scopeKey: string, staticData: StaticData | undefined, options: DedupeOptions): DedupeScope {
		let state = this.scopes.get(scopeKey);
		if (!state) {
			state = { seen: new Map(), log: [], counter: 0, nextPruneAt: 0 };
			this.scopes.set(scopeKey, state);
		}
		const scope = state;
		return { seenBefore: (eventId) => this.seenBefore(scope, staticData, options, hashEventId(eventId)) };
	}

	private seenBefore(state: ScopeState, staticData: StaticData | undefined, options: DedupeOptions, hash: string): boolean {
		const now = Math.floor(this.clock());
		const persisted = staticData ? persistedIds(staticData) : undefined;
		if (now >= state.nextPruneAt) {
			prune(state, persisted, now, options.maxEntries);
			state.nextPruneAt = now + PRUNE_INTERVAL_SECONDS;
		}
		if (persisted) this.repair(state, persisted, now);

		const known = state.seen.get(hash) ?? persisted?.ids[hash];
		if (typeof known === 'number' && known > now) {
			if (!state.seen.has(hash)) state.seen.set(hash, known);
			return true;
		}
		const expiresAt = now + options.windowSeconds;
		state.seen.delete(hash);
		state.seen.set(hash, expiresAt);
		if (state.seen.size > options.maxEntries) state.seen.delete(state.seen.keys().next().value as string);
		state.log.push({ seq: ++state.counter, hash });
		// Trimmed in batches; a copy marked before the oldest kept entry gets a full repair instead.
		if (state.log.length > 2 * options.maxEntries) state.log.splice(0, state.log.length - options.maxEntries);
		if (persisted) {
			persisted.ids[hash] = expiresAt;
			this.mark(persisted, state.counter);
		}
		return false;
	}

	/** Writes the ids this process recorded after the loaded copy's mark (a concurrent save dropped them). */
	private repair(state: ScopeState, persisted: Persisted, now: number) {
		const mark = persisted.marks?.[this.processId] ?? 0;
		if (mark >= state.counter) return;
		const restore = (hash: string) => {
			const expiresAt = state.seen.get(hash);
			if (expiresAt !== undefined && expiresAt > now && persisted.ids[hash] !== expiresAt) persisted.ids[hash] = expiresAt;
		};
		if (state.log.length === 0 || state.log[0].seq > mark + 1) {
			for (const hash of state.seen.keys()) restore(hash);
		} else {
			for (let index = state.log.length - 1; index >= 0 && state.log[index].seq > mark; index--) restore(state.log[index].hash);
		}
		this.mark(persisted, state.counter);
	}

	private mark(persisted: Persisted, seq: number) {
		const marks = persisted.marks;
		if (!marks || (!(this.processId in marks) && Object.keys(marks).length >= MAX_MARKS)) persisted.marks = {};
		(persisted.marks as Record<string, number>)[this.processId] = seq;
	}
}

function persistedIds(staticData: StaticData): Persisted {
	const current = staticData[STATIC_DATA_KEY] as Persisted | undefined;
	if (current && current.v === 1 && typeof current.ids === 'object' && current.ids !== null) return current;
	staticData[STATIC_DATA_KEY] = { v: 1, ids: {} } satisfies Persisted;
	return staticData[STATIC_DATA_KEY] as Persisted;
}

function prune(state: ScopeState, persisted: Persisted | undefined, now: number, maxEntries: number) {
	for (const [hash, expiresAt] of state.seen) if (expiresAt <= now) state.seen.delete(hash);
	state.log = state.log.filter(({ hash }) => state.seen.has(hash));
	if (!persisted) return;
	const live: Array<[string, number]> = [];
	let changed = false;
	for (const [hash, expiresAt] of Object.entries(persisted.ids)) {
		if (typeof expiresAt === 'number' && expiresAt > now) live.push([hash, expiresAt]);
		else changed = true;
	}
	if (live.length > maxEntries) {
		live.sort((a, b) => b[1] - a[1]);
		live.length = maxEntries;
		changed = true;
	}
	if (changed) persisted.ids = Object.fromEntries(live);
}

/** The store both triggers share, one per n8n process. */
export const sharedDedupeStore = new DedupeStore();
