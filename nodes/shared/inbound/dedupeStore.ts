import { createHash } from 'node:crypto';

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
 * the other's id. So an in-process map per workflow node is the authority, and every request also
 * writes the ids recorded in the last few seconds that its loaded copy lacks, so a later save
 * restores what an earlier concurrent one dropped. The check-and-record itself is synchronous, so
 * two requests in one process can never both pass.
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
/** How long an id is re-written into every loaded copy, covering saves that overlap. */
const RESTORE_SECONDS = 10;
const PRUNE_INTERVAL_SECONDS = 60;

interface Persisted {
	v: 1;
	/** hashed id → expiry (unix seconds) */
	ids: Record<string, number>;
}

interface ScopeState {
	seen: Map<string, number>;
	/** hashed id → when it was recorded; re-written into loaded copies for RESTORE_SECONDS */
	recent: Map<string, number>;
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

	constructor(private readonly clock: () => number = () => Date.now() / 1000) {}

	/**
	 * A scope for one request. `scopeKey` identifies the node (workflow id, node id, production or
	 * test); `staticData` is the node's static data as n8n loaded it for this request.
	 */
	open(scopeKey: string, staticData: StaticData | undefined, options: DedupeOptions): DedupeScope {
		let state = this.scopes.get(scopeKey);
		if (!state) {
			state = { seen: new Map(), recent: new Map(), nextPruneAt: 0 };
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
		if (persisted) restoreRecent(state, persisted, now);

		const known = state.seen.get(hash) ?? persisted?.ids[hash];
		if (typeof known === 'number' && known > now) {
			state.seen.set(hash, known);
			return true;
		}
		const expiresAt = now + options.windowSeconds;
		state.seen.delete(hash);
		state.seen.set(hash, expiresAt);
		state.recent.set(hash, now);
		if (state.seen.size > options.maxEntries) state.seen.delete(state.seen.keys().next().value as string);
		if (persisted) persisted.ids[hash] = expiresAt;
		return false;
	}
}

function persistedIds(staticData: StaticData): Persisted {
	const current = staticData[STATIC_DATA_KEY] as Persisted | undefined;
	if (current && current.v === 1 && typeof current.ids === 'object' && current.ids !== null) return current;
	staticData[STATIC_DATA_KEY] = { v: 1, ids: {} } satisfies Persisted;
	return staticData[STATIC_DATA_KEY] as Persisted;
}

/** Writes ids recorded in the last seconds that this request's copy lacks (a concurrent save dropped them). */
function restoreRecent(state: ScopeState, persisted: Persisted, now: number) {
	for (const [hash, recordedAt] of state.recent) {
		if (now - recordedAt > RESTORE_SECONDS) {
			state.recent.delete(hash);
			continue;
		}
		const expiresAt = state.seen.get(hash);
		if (expiresAt !== undefined && persisted.ids[hash] !== expiresAt) persisted.ids[hash] = expiresAt;
	}
}

function prune(state: ScopeState, persisted: Persisted | undefined, now: number, maxEntries: number) {
	for (const [hash, expiresAt] of state.seen) if (expiresAt <= now) state.seen.delete(hash);
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
