import { ClientRegistry, entryKey } from './clientRegistry';
import { backlogFor } from './releaseBacklog';
import { PostgresDedupeStore } from './postgresStore';
import { RedisDedupeStore } from './redisStore';
import type { SharedStoreConnection } from './connection';
import type { SharedDedupeStore } from './types';

/** The triggers' dedupe stores: one per credential settings in this process (see ClientRegistry). */
type StoreFactory = (settings: SharedStoreConnection) => SharedDedupeStore;
// A store opened again for the same settings takes over the give-backs its predecessor could not run.
const openStore: StoreFactory = (settings) => {
	const backlog = backlogFor(entryKey(settings));
	return settings.kind === 'redis' ? new RedisDedupeStore(settings, backlog) : new PostgresDedupeStore(settings, backlog);
};

const registry = new ClientRegistry<SharedDedupeStore>(openStore);

/** The shared store for these settings, opened on first use; `user` names the node (workflow id and node id). */
export function sharedStoreFor(settings: SharedStoreConnection, user: string, factory: StoreFactory = openStore): SharedDedupeStore {
	return registry.storeFor(settings, user, factory);
}

/** The node no longer uses its store (its workflow was deactivated); closes it when no other node does. */
export async function leave(user: string): Promise<void> {
	await registry.leave(user);
}

/** Closes every store of this process. */
export async function closeAllStores(): Promise<void> {
	await registry.closeAll();
}
