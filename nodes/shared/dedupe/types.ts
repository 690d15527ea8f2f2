import { randomBytes } from 'node:crypto';

/** One id to check and record in a shared store. */
export interface DedupeClaim {
	/** The scope (workflow, node, mode) and the hashed event id, joined: the store's key without its prefix. */
	key: string;
	/** How long the id is held. */
	windowSeconds: number;
}

/**
 * A store that several n8n processes share. `claim` checks and records every id in one atomic step
 * per id and one round trip per call: true where the id was new (now held), false where it was held
 * already. It rejects with DedupeStoreUnavailable when it cannot answer within its bound; nothing
 * may then be accepted.
 */
export interface SharedDedupeStore {
	claim(claims: DedupeClaim[]): Promise<boolean[]>;
	/** Deletes claimed keys again: n8n did not store the event they were claimed for. */
	forget(keys: string[]): Promise<void>;
	/** Closes the connections; waits for requests in flight. */
	close(): Promise<void>;
}

/** How long a request waits for the store before it is answered 503. */
export const STORE_TIMEOUT_MS = 2_000;

/** Sent as Retry-After with a 503, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** The store could not answer: unreachable, too slow, refused, or answered something unexpected. */
export class DedupeStoreUnavailable extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DedupeStoreUnavailable';
	}
}

/** A store failure as the reason of the 503, naming the store (`Redis at host:6379: …`); one already naming it passes as it is. */
export const unavailable = (error: unknown, where: string): DedupeStoreUnavailable =>
	error instanceof DedupeStoreUnavailable ? error : new DedupeStoreUnavailable(`${where}: ${(error as Error).message}`);

/** A random token marking one request's claims, so that giving them back removes only what that request set. */
export const claimToken = (): string => randomBytes(9).toString('base64url');

/** Rejects with DedupeStoreUnavailable after `ms`; the timer never holds the process open. */
export async function withinDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, fail) => {
		timer = setTimeout(() => fail(new DedupeStoreUnavailable(`${what} did not answer within ${ms} ms`)), ms);
		timer.unref();
	});
	try {
		return await Promise.race([work, deadline]);
	} finally {
		clearTimeout(timer);
	}
}

/** Claims under way, which a store's close() lets finish (their give-backs included) before it closes. */
export class ClaimsInFlight {
	private readonly running = new Set<Promise<unknown>>();

	async track<T>(claim: Promise<T>): Promise<T> {
		this.running.add(claim);
		try {
			return await claim;
		} finally {
			this.running.delete(claim);
		}
	}

	/**
	 * One batch: nothing for an empty one; otherwise its distinct keys, in lock order, go to `claimKeys`
	 * (tracked, so close() waits for it), and the keys it claimed are mapped back onto the batch.
	 */
	async claim(claims: DedupeClaim[], claimKeys: (unique: DedupeClaim[]) => Promise<ReadonlySet<string>>): Promise<boolean[]> {
		if (claims.length === 0) return [];
		return perClaim(claims, await this.track(claimKeys(distinctKeys(claims))));
	}

	/** Resolves once every claim under way has settled, or after `ms` at the latest. */
	async settled(ms: number, what: string): Promise<void> {
		await withinDeadline(Promise.allSettled([...this.running]), ms, what).catch(() => undefined);
	}
}

/** The distinct keys of a batch, in a fixed order (so concurrent batches lock rows in the same order). */
export const distinctKeys = (claims: DedupeClaim[]) =>
	[...new Map(claims.map((claim) => [claim.key, claim])).values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * Maps the store's answer per distinct key back onto the batch: a key that appears twice is new only
 * the first time, as with the static-data store.
 */
export function perClaim(claims: DedupeClaim[], claimedNow: ReadonlySet<string>): boolean[] {
	const handed = new Set<string>();
	return claims.map(({ key }) => {
		if (!claimedNow.has(key) || handed.has(key)) return false;
		handed.add(key);
		return true;
	});
}

/** One event to check: its id and how long to remember it. */
export interface DedupeCheck {
	eventId: string;
	windowSeconds: number;
}

/**
 * A node's dedupe memory for one request, whichever store backs it: for each event, true when it
 * was received before; the new ones are recorded. All checks of a request go to the store at once.
 * The static-data store answers at once (no promise per request); a shared store answers later, and
 * rejects with DedupeStoreUnavailable when it cannot answer.
 */
export interface EventDedupe {
	seenBefore(checks: DedupeCheck[]): boolean[] | Promise<boolean[]>;
	/** Forgets ids this request recorded, when n8n then failed to store its execution. */
	forget(eventIds: string[]): void | Promise<void>;
}
