import { closeAllStores, leave, sharedStoreFor } from '../../../../nodes/shared/dedupe/registry';
import type { RedisConnection } from '../../../../nodes/shared/dedupe/connection';
import type { SharedDedupeStore } from '../../../../nodes/shared/dedupe/types';

const settings = (host: string): RedisConnection => ({
	kind: 'redis',
	host,
	port: 6379,
	username: '',
	password: 'p',
	database: 0,
	tls: false,
	keyPrefix: '',
});

function fakeFactory() {
	const opened: string[] = [];
	const closed: string[] = [];
	const factory = (s: RedisConnection | { kind: string; host: string }) => {
		opened.push(s.host);
		return { claim: async () => [], forget: async () => undefined, close: async () => void closed.push(s.host) } as SharedDedupeStore;
	};
	return { opened, closed, factory };
}

afterEach(async () => await closeAllStores());

describe('one shared store per credential settings in the process', () => {
	it('reuses one store for every node with the same settings, and closes it when the last node leaves', async () => {
		const { opened, closed, factory } = fakeFactory();
		const first = sharedStoreFor(settings('a'), 'wf1:n1', factory);
		expect(sharedStoreFor(settings('a'), 'wf2:n1', factory)).toBe(first);
		expect(opened).toEqual(['a']);
		await leave('wf1:n1');
		expect(closed).toEqual([]);
		await leave('wf2:n1');
		expect(closed).toEqual(['a']);
		// The next request opens it again.
		expect(sharedStoreFor(settings('a'), 'wf1:n1', factory)).not.toBe(first);
	});

	it('moves a node whose credential changed, closing the old store', async () => {
		const { opened, closed, factory } = fakeFactory();
		sharedStoreFor(settings('a'), 'wf1:n1', factory);
		sharedStoreFor(settings('b'), 'wf1:n1', factory);
		await new Promise((resolve) => setImmediate(resolve));
		expect(opened).toEqual(['a', 'b']);
		expect(closed).toEqual(['a']);
	});

	it('closes everything at shutdown', async () => {
		const { closed, factory } = fakeFactory();
		sharedStoreFor(settings('a'), 'x', factory);
		sharedStoreFor(settings('b'), 'y', factory);
		await closeAllStores();
		expect(closed.sort()).toEqual(['a', 'b']);
	});
});
