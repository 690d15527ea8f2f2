import { ClientRegistry } from '../dedupe/clientRegistry';
import type { SharedStoreConnection } from '../dedupe/connection';
import { PostgresEndpointState } from './postgresEndpointState';
import { RedisEndpointState } from './redisEndpointState';
import type { SharedEndpointState } from './types';

/**
 * One client (Redis) or pool (PostgreSQL) per distinct credential settings in this process, for every
 * Outbound node (see ClientRegistry). A node whose credential was edited moves to the new settings and
 * the old client closes once no node uses it; all close when n8n stops. A run still under way with the
 * old client goes on with this process's own state (SharedWithFallback), as when the store is down.
 */
const registry = new ClientRegistry<SharedEndpointState>((settings) =>
	settings.kind === 'redis' ? new RedisEndpointState(settings) : new PostgresEndpointState(settings),
);

/** `user` names the node (its workflow id and node id). */
export function sharedEndpointStateFor(settings: SharedStoreConnection, user: string): SharedEndpointState {
	return registry.storeFor(settings, user);
}

/** Closes every shared endpoint store of this process (tests, and a process that ends). */
export async function closeEndpointStates(): Promise<void> {
	await registry.closeAll();
}
