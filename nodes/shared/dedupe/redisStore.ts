import { isIP } from 'node:net';

import Redis from 'ioredis';

import type { RedisConnection } from './connection';
import { ReleaseBacklog } from './releaseBacklog';
import type { DedupeClaim, SharedDedupeStore } from './types';
import { ClaimsInFlight, DedupeStoreUnavailable, STORE_TIMEOUT_MS, claimToken, unavailable, withinDeadline } from './types';

/** Deletes each key still holding this request's token: undoes claims whose answer never came. */
export const RELEASE_SCRIPT = `for i, key in ipairs(KEYS) do if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end end return 0`;
/** How long close() lets claims under way finish (each is bounded by its claim's wait). */
const CLOSE_WAIT_MS = 2 * STORE_TIMEOUT_MS;

/** ioredis options: fail fast instead of queueing while disconnected, reconnect for as long as it takes. */
export function clientOptions(settings: RedisConnection) {
	return {
		host: settings.host,
		port: settings.port,
		username: settings.username || undefined,
		password: settings.password || undefined,
		db: settings.database,
		tls: settings.tls ? { servername: isIP(settings.host) ? undefined : settings.host } : undefined,
		lazyConnect: true,
		connectTimeout: STORE_TIMEOUT_MS,
		// A claim that waited in a queue could land after its request was answered 503.
		enableOfflineQueue: false,
		autoResendUnfulfilledCommands: false,
		maxRetriesPerRequest: 0,
		retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
		enableReadyCheck: true,
	};
}

/**
 * `SET key token NX PX window` per id, all ids of a request in one pipeline. SET NX is atomic in
 * Redis: of any number of concurrent claims of one key, exactly one gets OK.
 */
export class RedisDedupeStore implements SharedDedupeStore {
	private readonly client: Redis;
	private lastError = '';
	private waiting?: Promise<void>;
	private readonly inFlight = new ClaimsInFlight();

	constructor(
		private readonly settings: RedisConnection,
		private readonly backlog = new ReleaseBacklog(),
	) {
		this.client = new Redis(clientOptions(settings));
		// Without a listener ioredis prints every connection error; the last one explains the next 503.
		this.client.on('error', (error: Error) => (this.lastError = error.message));
		this.client.on('ready', () => this.flushReleases());
	}

	private get where() {
		return `Redis at ${this.settings.host}:${this.settings.port}`;
	}

	async claim(claims: DedupeClaim[]): Promise<boolean[]> {
		return await this.inFlight.claim(claims, async (unique) => await this.setOnce(unique));
	}

	async forget(keys: string[]): Promise<void> {
		if (keys.length === 0) return;
		const deleting = this.ready().then(async () => await this.client.del(...keys.map((key) => this.settings.keyPrefix + key)));
		await withinDeadline(this.inFlight.track(deleting), STORE_TIMEOUT_MS, this.where);
	}

	private async setOnce(unique: DedupeClaim[]): Promise<Set<string>> {
		const keys = unique.map(({ key }) => this.settings.keyPrefix + key);
		const token = claimToken();
		const attempt = { abandoned: false };
		try {
			const replies = await withinDeadline(this.send(unique, keys, token, attempt), STORE_TIMEOUT_MS, this.where);
			return new Set(unique.filter((_, index) => replies[index]).map(({ key }) => key));
		} catch (error) {
			// Not sent after this point; if already sent, the SETs may still be applied (a slow server):
			// undo them, after them on the same connection, so the sender's retry is not taken for a duplicate.
			attempt.abandoned = true;
			this.release(keys, token);
			throw unavailable(error, this.where);
		}
	}

	private async send(unique: DedupeClaim[], keys: string[], token: string, attempt: { abandoned: boolean }): Promise<boolean[]> {
		await this.ready();
		// The request was answered 503 while the connection came back: claiming now would hold ids nobody accepted.
		if (attempt.abandoned) return [];
		// Kept give-backs go first: one connection runs commands in order, so a retry's SET follows them.
		if (this.backlog.size > 0) this.flushReleases();
		const pipeline = this.client.pipeline();
		unique.forEach(({ windowSeconds }, index) =>
			pipeline.set(keys[index], token, 'PX', Math.max(1, Math.round(windowSeconds * 1000)), 'NX'),
		);
		const results = (await pipeline.exec()) ?? [];
		if (results.length !== keys.length)
			throw new DedupeStoreUnavailable(`${this.where} answered ${results.length} replies for ${keys.length} commands`);
		return results.map(([error, reply]) => {
			if (error) throw new DedupeStoreUnavailable(`${this.where}: ${error.message}`);
			if (reply === 'OK') return true;
			if (reply === null) return false;
			throw new DedupeStoreUnavailable(`${this.where} answered SET NX with an unexpected reply`);
		});
	}

	/** Connects on first use and after the client gave up; one wait shared by every request (bounded by each caller). */
	private async ready(): Promise<void> {
		const { status } = this.client;
		if (status === 'ready') return;
		if (status === 'wait' || status === 'end') this.client.connect().catch(() => undefined);
		this.waiting ??= new Promise<void>((resolve, reject) => {
			const settle = (error?: Error) => {
				this.client.off('ready', onReady);
				this.client.off('end', onEnd);
				this.waiting = undefined;
				if (error) reject(error);
				else resolve();
			};
			const onReady = () => settle();
			const onEnd = () => settle(new DedupeStoreUnavailable(`${this.where}: ${this.lastError || 'connection closed'}`));
			this.client.on('ready', onReady);
			this.client.on('end', onEnd);
		});
		await this.waiting;
	}

	/**
	 * A give-back goes out at once on this client's connection, so after the claim it undoes. One that cannot
	 * (not connected) or fails is kept; the connection it belonged to is gone by then (or the server refused
	 * it), so no claim of its can land later, and any client of these settings may send it.
	 */
	private release(keys: string[], token: string) {
		if (this.client.status !== 'ready') return this.backlog.add({ keys, token });
		this.client.eval(RELEASE_SCRIPT, keys.length, ...keys, token).catch(() => this.backlog.add({ keys, token }));
	}

	/** Sends the kept give-backs on this connection, ahead of whatever it sends next (replies are not awaited). */
	private flushReleases() {
		void this.backlog.drain(async (releases) => releases.forEach(({ keys, token }) => this.release(keys, token)));
	}

	/** The last connection error, for the credential test. */
	get lastConnectionError(): string {
		return this.lastError;
	}

	/**
	 * Lets claims under way finish (their give-backs sent) and sends the kept ones before QUIT; what cannot be
	 * sent stays in the backlog, which the next store for these settings takes over.
	 */
	async close(): Promise<void> {
		await this.inFlight.settled(CLOSE_WAIT_MS, this.where);
		// Sent before QUIT on the same connection, so they run before it closes.
		if (this.client.status === 'ready') this.flushReleases();
		try {
			await withinDeadline(this.client.quit(), STORE_TIMEOUT_MS, this.where);
		} catch {
			this.client.disconnect();
		}
	}
}
