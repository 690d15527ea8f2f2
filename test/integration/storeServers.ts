/**
 * The Redis and PostgreSQL servers a test file's shared stores run against (test/services), started
 * once before its tests and stopped after them.
 */
import { startPostgres, startRedis } from '../services/index.js';

export interface StoreServers {
	redis: Awaited<ReturnType<typeof startRedis>>;
	postgres: Awaited<ReturnType<typeof startPostgres>>;
}

/**
 * Starts both servers in a beforeAll and stops them in an afterAll, after `closeClients` has closed
 * what the tests opened on them. The servers are there once the tests (or their hooks) run.
 */
export function useStoreServers(closeClients: () => Promise<unknown>): StoreServers {
	const servers = {} as StoreServers;
	beforeAll(async () => {
		[servers.redis, servers.postgres] = await Promise.all([startRedis(), startPostgres()]);
	}, 180_000);
	afterAll(async () => {
		await closeClients();
		await Promise.all([servers.redis?.stop(), servers.postgres?.stop()]);
	});
	return servers;
}
