import { createHash } from 'node:crypto';

import type { SharedStoreConnection } from './connection';

/**
 * One client (Redis) or pool (PostgreSQL) per distinct credential settings in this process, shared
 * by every node that uses them. A node is a user from its first request until it moves to other
 * settings (its credential was edited) or leaves (its workflow was deactivated); the last user going
 * closes the connections, so edits do not pile up clients. Nothing kept here is needed for
 * correctness: a closed store is opened again by the next request.
 */
interface Entry<Store> {
	store: Store;
	users: Set<string>;
}

interface Closable {
	close(): Promise<void>;
}

/** Hashed, so the map holds no password in plain text. */
export const entryKey = (settings: SharedStoreConnection) => createHash('sha256').update(JSON.stringify(settings)).digest('base64url');

export class ClientRegistry<Store extends Closable> {
	private readonly entries = new Map<string, Entry<Store>>();
	private readonly entryOfUser = new Map<string, string>();

	constructor(private readonly open: (settings: SharedStoreConnection) => Store) {
		registries.add(this);
	}

	/** The store for these settings, opened on first use; `user` names the node (workflow id and node id). */
	storeFor(settings: SharedStoreConnection, user: string, open = this.open): Store {
		const key = entryKey(settings);
		const previous = this.entryOfUser.get(user);
		if (previous !== undefined && previous !== key) void this.leave(user);
		let entry = this.entries.get(key);
		if (!entry) {
			entry = { store: open(settings), users: new Set() };
			this.entries.set(key, entry);
			closeOnShutdown();
		}
		entry.users.add(user);
		this.entryOfUser.set(user, key);
		return entry.store;
	}

	/** The node no longer uses its store; closes it when no other node does. */
	async leave(user: string): Promise<void> {
		const key = this.entryOfUser.get(user);
		this.entryOfUser.delete(user);
		const entry = key === undefined ? undefined : this.entries.get(key);
		if (!entry || key === undefined) return;
		entry.users.delete(user);
		if (entry.users.size > 0) return;
		this.entries.delete(key);
		await entry.store.close();
	}

	/** Closes every store of this registry. */
	async closeAll(): Promise<void> {
		const open = [...this.entries.values()];
		this.entries.clear();
		this.entryOfUser.clear();
		await Promise.all(open.map(async ({ store }) => await store.close().catch(() => undefined)));
	}
}

const registries = new Set<ClientRegistry<Closable>>();
let hooked = false;

const closeAllRegistries = async () => await Promise.all([...registries].map(async (registry) => await registry.closeAll()));

/**
 * Closes the connections when n8n stops, without holding up n8n's own shutdown: the close runs in
 * the background. n8n handles SIGTERM and SIGINT itself; where nothing else does (a bare process),
 * the signal is raised again so the process still ends as it would have.
 */
function closeOnShutdown() {
	if (hooked) return;
	hooked = true;
	process.once('beforeExit', () => void closeAllRegistries());
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		const onSignal = () => {
			void closeAllRegistries();
			if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
		};
		process.once(signal, onSignal);
	}
}
