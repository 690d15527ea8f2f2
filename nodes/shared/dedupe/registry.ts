import { ClientRegistry } from './clientRegistry';
import { PostgresDedupeStore } from './postgresStore';
import { RedisDedupeStore } from './redisStore';
import type { SharedStoreConnection } from './connection';
import type { SharedDedupeStore } from './types';

/** The triggers' dedupe stores: one per credential settings in this process (see ClientRegistry). */
type StoreFactory = (settings: SharedStoreConnection) => SharedDedupeStore;
const openStore: StoreFactory = (settings) =>
	settings.kind === 'redis' ? new RedisDedupeStore(settings) : new PostgresDedupeStore(settings);

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
