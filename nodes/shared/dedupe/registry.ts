import { createHash } from 'node:crypto';

import { PostgresDedupeStore } from './postgresStore';
import { RedisDedupeStore } from './redisStore';
import type { SharedStoreConnection } from './connection';
import type { SharedDedupeStore } from './types';

/**
 * One client (Redis) or pool (PostgreSQL) per distinct credential settings in this process, shared
 * by every node that uses them. A node is a user from its first request (or its publication) until
 * its workflow is deactivated; the last user leaving closes the connections. Nothing kept here is
 * needed for correctness: a closed store is opened again by the next request.
 */
interface Entry {
	store: SharedDedupeStore;
	users: Set<string>;
}

const entries = new Map<string, Entry>();
const entryOfUser = new Map<string, string>();

type StoreFactory = (settings: SharedStoreConnection) => SharedDedupeStore;
const openStore: StoreFactory = (settings) =>
	settings.kind === 'redis' ? new RedisDedupeStore(settings) : new PostgresDedupeStore(settings);

/** Hashed, so the map holds no password in plain text. */
export const entryKey = (settings: SharedStoreConnection) => createHash('sha256').update(JSON.stringify(settings)).digest('base64url');

/** The shared store for these settings, opened on first use; `user` names the node (workflow id and node id). */
export function sharedStoreFor(settings: SharedStoreConnection, user: string, factory: StoreFactory = openStore): SharedDedupeStore {
	const key = entryKey(settings);
	const previous = entryOfUser.get(user);
	if (previous !== undefined && previous !== key) void leave(user);
	let entry = entries.get(key);
	if (!entry) {
		entry = { store: factory(settings), users: new Set() };
		entries.set(key, entry);
		closeOnShutdown();
	}
	entry.users.add(user);
	entryOfUser.set(user, key);
	return entry.store;
}

/** The node no longer uses its store (its workflow was deactivated); closes it when no other node does. */
export async function leave(user: string): Promise<void> {
	const key = entryOfUser.get(user);
	entryOfUser.delete(user);
	const entry = key === undefined ? undefined : entries.get(key);
	if (!entry || key === undefined) return;
	entry.users.delete(user);
	if (entry.users.size > 0) return;
	entries.delete(key);
	await entry.store.close();
}

/** Closes every store of this process. */
export async function closeAllStores(): Promise<void> {
	const open = [...entries.values()];
	entries.clear();
	entryOfUser.clear();
	await Promise.all(open.map(async ({ store }) => await store.close().catch(() => undefined)));
}

let hooked = false;

/**
 * Closes the connections when n8n stops, without holding up n8n's own shutdown: the close runs in
 * the background. n8n handles SIGTERM and SIGINT itself; where nothing else does (a bare process),
 * the signal is raised again so the process still ends as it would have.
 */
function closeOnShutdown() {
	if (hooked) return;
	hooked = true;
	process.once('beforeExit', () => void closeAllStores());
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		const onSignal = () => {
			void closeAllStores();
			if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
		};
		process.once(signal, onSignal);
	}
}
