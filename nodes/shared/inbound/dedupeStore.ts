import { hash, randomBytes } from 'node:crypto';

import { BoundedCache } from '../boundedCache';
import type { CompactIds } from '../dedupe/compactIds';
import type { EventDedupe } from '../dedupe/types';
import { appendRecord, rebuild, readCompact, recordCount, records, shortHash } from '../dedupe/compactIds';

/**
 * Remembers event ids for a window so a redelivered event starts no second execution. This is the
 * static-data store, for a single n8n process; the shared stores (nodes/shared/dedupe) serve queue mode.
 *
 * Why not n8n's own deduplication (the helpers behind the Remove Duplicates node,
 * `checkProcessedAndRecord` and friends): n8n 2.41 gives them only to the execute and supply-data
 * contexts; `webhook()` runs in a WebhookContext, which has no such helpers, and a duplicate must be
 * refused before an execution starts. So this store persists in the node's workflow static data,
 * which n8n loads fresh for every webhook request and saves after it, even when no execution starts.
 *
 * Static data alone races: two requests load the same old copy and the last save wins, dropping
 * the other's id. So an in-process map per workflow node is the authority (the check-and-record is
 * synchronous, so two requests in one process can never both pass), and every request also repairs
 * the copy it writes: each process numbers the ids it records and leaves a mark in static data,
 * "this copy holds my ids up to N". A request whose loaded copy carries an older mark writes back
 * the ids recorded since, so a later save restores whatever an earlier concurrent one dropped.
 *
 * The map is filled from static data once per process (after a start), and again only when another
 * process's mark moved; a request otherwise reads nothing but its own id in memory. With many ids
 * kept, n8n is asked to save only every few new ids (FLUSH_BYTES), as its save rewrites them all.
 *
 * Ids are stored as truncated SHA-256 hashes, never raw: an id can be an e-mail address or carry data.
 *
 * Queue mode (several webhook processes): each process has its own map, and static data is the
 * shared database copy, rewritten whole by each request: copies that reach two processes close
 * together can both pass. Use a shared store there.
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
/**
 * Trigger nodes (production and test) whose ids this process keeps in memory; the least recently
 * used beyond that is dropped and read back from its static data on its next request.
 */
const MAX_SCOPES = 1_000;

interface ScopeState {
	/** hash prefix → expiry, oldest first */
	seen: Map<string, number>;
	/**
	 * The ids this process recorded, in order, and their numbers: two arrays rather than an object
	 * per id, which lived as long as the id and so added to every garbage collection's work.
	 */
	logHashes: string[];
	logSeqs: number[];
	counter: number;
	nextPruneAt: number;
	/** Other processes' marks as of the last time static data was read into `seen`; undefined: never read. */
	merged?: Record<string, number>;
}

export type StaticData = Record<string, unknown>;

// The one-shot hash: a Hash object per id cost about as much as the rest of the check.
export const hashEventId = (eventId: string): string => hash('sha256', eventId, 'base64url').slice(0, 22);

export interface DedupeScope {
	/**
	 * True when the id was seen within the window; otherwise records it (for `windowSeconds`, by
	 * default the scope's window) and returns false.
	 */
	seenBefore(eventId: string, windowSeconds?: number): boolean;
	/**
	 * Forgets an id this request recorded (n8n did not store its execution). In this process's memory only: a
	 * copy n8n saved before it failed still holds it, and is read again after a restart.
	 */
	forget(eventId: string): void;
	/** True once this request changed static data in a way n8n has to save (see FLUSH_BYTES). */
	readonly needsSave: boolean;
}

/** A scope behind the batched, asynchronous interface the pipeline and the CRM trigger call. */
export const batched = (scope: DedupeScope): EventDedupe => ({
	seenBefore: async (checks) => checks.map(({ eventId, windowSeconds }) => scope.seenBefore(eventId, windowSeconds)),
	forget: (eventIds) => eventIds.forEach((eventId) => scope.forget(eventId)),
});

/**
 * n8n rewrites a workflow's whole static data whenever a request changed it, so with many ids kept
 * every save is large (about 1.5 MB at 100,000). A save is asked for once the loaded copy lacks one
 * id per FLUSH_BYTES stored (every id below twice that, about 8,700 ids; every 22nd at 100,000), so
 * an accepted event costs at most about this many bytes of writing on average. The ids in between
 * live in this process's memory, which is the authority anyway, and every request writes them into
 * the copy it loaded; a restart before the next save can forget them (at most 21 at 100,000).
 */
export const FLUSH_BYTES = 64 * 1024;

const unsavedIdsAllowed = (persisted: CompactIds) => Math.max(1, Math.floor(persisted.ids.length / FLUSH_BYTES));

export class DedupeStore {
	private readonly scopes: BoundedCache<string, ScopeState>;

	/** Tells this process's marks apart from other processes' (queue mode) and from before a restart. */
	private readonly processId = randomBytes(6).toString('base64url');

	constructor(
		private readonly clock: () => number = () => Date.now() / 1000,
		maxScopes = MAX_SCOPES,
	) {
		this.scopes = new BoundedCache(maxScopes);
	}

	/**
	 * A scope for one request. `scopeKey` identifies the node (workflow id, node id, production or
	 * test); `staticData` is the node's static data as n8n loaded it for this request.
	 */
	open(scopeKey: string, staticData: StaticData | undefined, options: DedupeOptions): DedupeScope {
		let state = this.scopes.get(scopeKey);
		if (!state) {
			state = { seen: new Map(), logHashes: [], logSeqs: [], counter: 0, nextPruneAt: 0 };
			this.scopes.set(scopeKey, state);
		}
		return new RequestState(state, staticData, options, this.check);
	}

	/** What every scope of this store calls: one function per store, not a closure per request. */
	private readonly check = (request: RequestState, hash: string, windowSeconds: number) => this.seenBefore(request, hash, windowSeconds);

	private seenBefore(request: RequestState, hash: string, windowSeconds: number): boolean {
		const { state, staticData, maxEntries } = request;
		const now = Math.floor(this.clock());
		let persisted = staticData ? compactIdsOf(request, now) : undefined;
		if (persisted) this.readOthers(state, persisted, now, maxEntries);
		if (now >= state.nextPruneAt || (persisted && recordCount(persisted) > maxEntries + slack(maxEntries))) {
			const pruned = prune(state, staticData, persisted, now, maxEntries);
			if (pruned !== persisted) request.needsSave = true;
			persisted = pruned;
			state.nextPruneAt = now + PRUNE_INTERVAL_SECONDS;
		}

		const known = state.seen.get(hash);
		const duplicate = known !== undefined && known > now;
		if (!duplicate) {
			remember(state, hash, now + windowSeconds, maxEntries);
			state.logHashes.push(hash);
			state.logSeqs.push(++state.counter);
			// Trimmed in batches; a copy marked before the oldest kept entry gets a full repair instead.
			if (state.logSeqs.length > 2 * maxEntries) {
				state.logHashes.splice(0, state.logHashes.length - maxEntries);
				state.logSeqs.splice(0, state.logSeqs.length - maxEntries);
			}
		}
		if (persisted && staticData) {
			const unsaved = state.counter - (persisted.marks?.[this.processId] ?? 0);
			const saveDue = unsaved >= unsavedIdsAllowed(persisted);
			// A duplicate leaves the copy alone unless a save is due, so n8n has nothing to write.
			if (!duplicate || saveDue || request.needsSave) this.repair(request, persisted, now);
			if (saveDue) request.needsSave = true;
		}
		return duplicate;
	}

	/** Reads static data into memory after a start, and when another process recorded ids since. */
	private readOthers(state: ScopeState, persisted: CompactIds, now: number, maxEntries: number) {
		if (state.merged && !this.othersMoved(state.merged, persisted.marks)) return;
		// A scope made again after it was dropped numbers on from its earlier ids, so they still count as saved.
		if (!state.merged) state.counter = Math.max(state.counter, persisted.marks?.[this.processId] ?? 0);
		for (const [hash, expiresAt] of records(persisted)) {
			if (expiresAt > now && !((state.seen.get(hash) ?? 0) >= expiresAt)) remember(state, hash, expiresAt, maxEntries);
		}
		const others = { ...persisted.marks };
		delete others[this.processId];
		state.merged = others;
	}

	private othersMoved(merged: Record<string, number>, marks: Record<string, number> | undefined): boolean {
		if (!marks) return false;
		for (const process in marks) if (process !== this.processId && marks[process] > (merged[process] ?? 0)) return true;
		return false;
	}

	/**
	 * Writes the ids this process recorded after the loaded copy's mark: those of requests whose
	 * copies were not saved, or were overwritten by a concurrent save. A copy never holds ids past its
	 * own mark (each is appended with the mark), so nothing needs looking up.
	 */
	private repair(request: RequestState, persisted: CompactIds, now: number) {
		const { state, staticData, maxEntries } = request;
		const mark = persisted.marks?.[this.processId] ?? 0;
		if (mark >= state.counter) return;
		const { logHashes, logSeqs } = state;
		if (logSeqs.length === 0 || logSeqs[0] > mark + 1) {
			const union = rebuild([...records(persisted), ...state.seen], now, maxEntries, persisted.marks);
			(staticData as StaticData)[STATIC_DATA_KEY] = union;
			this.mark(union, state.counter);
			request.needsSave = true;
			return;
		}
		let first = logSeqs.length;
		while (first > 0 && logSeqs[first - 1] > mark) first--;
		// The same id twice in the log (recorded again after it expired) is written once.
		const written = logSeqs.length - first > 1 ? new Set<string>() : undefined;
		for (let index = first; index < logHashes.length; index++) {
			const hash = logHashes[index];
			const expiresAt = state.seen.get(hash);
			if (expiresAt === undefined || expiresAt <= now || written?.has(hash)) continue;
			written?.add(hash);
			appendRecord(persisted, hash, expiresAt);
		}
		this.mark(persisted, state.counter);
	}

	private mark(persisted: CompactIds, seq: number) {
		const marks = persisted.marks;
		if (!marks || (!(this.processId in marks) && Object.keys(marks).length >= MAX_MARKS)) persisted.marks = {};
		(persisted.marks as Record<string, number>)[this.processId] = seq;
	}
}

/**
 * One request's scope. A class rather than an object literal with a `needsSave` getter: such a
 * literal is slow to create, and it and its closure were most of the cost of opening a scope.
 */
class RequestState implements DedupeScope {
	needsSave = false;
	readonly maxEntries: number;

	constructor(
		readonly state: ScopeState,
		/** The node's static data as n8n loaded it for this request. */
		readonly staticData: StaticData | undefined,
		private readonly options: DedupeOptions,
		private readonly check: (request: RequestState, hash: string, windowSeconds: number) => boolean,
	) {
		this.maxEntries = options.maxEntries;
	}

	seenBefore(eventId: string, windowSeconds = this.options.windowSeconds): boolean {
		return this.check(this, shortHash(hashEventId(eventId)), windowSeconds);
	}

	forget(eventId: string): void {
		// Its log entry stays; repair() writes only ids still in `seen`.
		this.state.seen.delete(shortHash(hashEventId(eventId)));
	}
}

/** How far the stored records may run past maxEntries between prunes. */
const slack = (maxEntries: number) => Math.ceil(maxEntries / 10) + 100;

function remember(state: ScopeState, hash: string, expiresAt: number, maxEntries: number) {
	state.seen.delete(hash);
	state.seen.set(hash, expiresAt);
	if (state.seen.size > maxEntries) state.seen.delete(state.seen.keys().next().value as string);
}

/** The node's stored ids in the compact form; an older form is converted, anything else replaced. */
function compactIdsOf(request: RequestState, now: number): CompactIds {
	const staticData = request.staticData as StaticData;
	const current = staticData[STATIC_DATA_KEY];
	const compact = readCompact(current, now, request.maxEntries) ?? rebuild([], now, request.maxEntries);
	if (compact !== current) {
		staticData[STATIC_DATA_KEY] = compact;
		request.needsSave = true;
	}
	return compact;
}

function prune(state: ScopeState, staticData: StaticData | undefined, persisted: CompactIds | undefined, now: number, maxEntries: number) {
	for (const [hash, expiresAt] of state.seen) if (expiresAt <= now) state.seen.delete(hash);
	const kept = state.logHashes.map((hash) => state.seen.has(hash));
	state.logHashes = state.logHashes.filter((_, index) => kept[index]);
	state.logSeqs = state.logSeqs.filter((_, index) => kept[index]);
	if (!persisted || !staticData) return persisted;
	let stale = recordCount(persisted) > maxEntries;
	if (!stale) for (const [, expiresAt] of records(persisted)) if (expiresAt <= now) stale = true;
	if (!stale) return persisted;
	const pruned = rebuild(records(persisted), now, maxEntries, persisted.marks);
	staticData[STATIC_DATA_KEY] = pruned;
	return pruned;
}

/** The store both triggers share, one per n8n process. */
export const sharedDedupeStore = new DedupeStore();
