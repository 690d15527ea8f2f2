import { closeAllStores, leave, openStoreCount, sharedStoreFor } from '../../../../nodes/shared/dedupe/registry';
import type { RedisConnection } from '../../../../nodes/shared/dedupe/connection';
import type { SharedDedupeStore } from '../../../../nodes/shared/dedupe/types';

const settings = (host: string): RedisConnection => ({ kind: 'redis', host, port: 6379, username: '', password: 'p', database: 0, tls: false, keyPrefix: '' });

function fakeFactory() {
	const closed: string[] = [];
	const factory = (s: RedisConnection | { kind: string; host: string }) =>
		({ claim: async () => [], close: async () => void closed.push(s.host) }) as SharedDedupeStore;
	return { closed, factory };
}

afterEach(async () => await closeAllStores());

describe('one shared store per credential settings in the process', () => {
	it('reuses one store for every node with the same settings, and closes it when the last node leaves', async () => {
		const { closed, factory } = fakeFactory();
		const first = sharedStoreFor(settings('a'), 'wf1:n1', factory);
		expect(sharedStoreFor(settings('a'), 'wf2:n1', factory)).toBe(first);
		expect(openStoreCount()).toBe(1);
		await leave('wf1:n1');
		expect(closed).toEqual([]);
		await leave('wf2:n1');
		expect(closed).toEqual(['a']);
		expect(openStoreCount()).toBe(0);
		// The next request opens it again.
		expect(sharedStoreFor(settings('a'), 'wf1:n1', factory)).not.toBe(first);
	});

	it('moves a node whose credential changed, closing the old store', async () => {
		const { closed, factory } = fakeFactory();
		sharedStoreFor(settings('a'), 'wf1:n1', factory);
		sharedStoreFor(settings('b'), 'wf1:n1', factory);
		await new Promise((resolve) => setImmediate(resolve));
		expect(closed).toEqual(['a']);
		expect(openStoreCount()).toBe(1);
	});

	it('closes everything at shutdown', async () => {
		const { closed, factory } = fakeFactory();
		sharedStoreFor(settings('a'), 'x', factory);
		sharedStoreFor(settings('b'), 'y', factory);
		await closeAllStores();
		expect(closed.sort()).toEqual(['a', 'b']);
	});
});
