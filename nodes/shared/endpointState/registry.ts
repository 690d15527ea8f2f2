import { entryKey } from '../dedupe/registry';
import type { SharedStoreConnection } from '../dedupe/connection';
import { PostgresEndpointState } from './postgresEndpointState';
import { RedisEndpointState } from './redisEndpointState';
import type { SharedEndpointState } from './types';

/** One client (Redis) or pool (PostgreSQL) per distinct credential settings in this process, for every Outbound node. */
const states = new Map<string, SharedEndpointState>();

export function sharedEndpointStateFor(settings: SharedStoreConnection): SharedEndpointState {
	const key = entryKey(settings);
	let state = states.get(key);
	if (!state) {
		state = settings.kind === 'redis' ? new RedisEndpointState(settings) : new PostgresEndpointState(settings);
		states.set(key, state);
	}
	return state;
}

/** Closes every shared endpoint store of this process (tests, and a process that ends). */
export async function closeEndpointStates(): Promise<void> {
	const open = [...states.values()];
	states.clear();
	await Promise.all(open.map(async (state) => await state.close().catch(() => undefined)));
}
