/**
 * A PostgreSQL claim must not outlive its 503. Here the INSERT commits but the connection breaks before
 * its answer, and the give-back DELETE cannot reach the server either, so it is kept. The next request
 * is the sender's retry: it must be claimed as new, not found as the old row and taken for a duplicate
 * (the event would be lost). Real PostgreSQL behind a loopback TCP proxy that can cut connections.
 */
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

import { Client } from 'pg';

import { PostgresDedupeStore } from '../../../nodes/shared/dedupe/postgresStore';
import { ReleaseBacklog } from '../../../nodes/shared/dedupe/releaseBacklog';
import { DedupeStoreUnavailable } from '../../../nodes/shared/dedupe/types';
import type { SharedDedupeStore } from '../../../nodes/shared/dedupe/types';
import { useStoreServers } from '../storeServers';

jest.setTimeout(120_000);

const opened: SharedDedupeStore[] = [];
const servers = useStoreServers(async () => await Promise.all(opened.map(async (store) => await store.close())));
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy: `down` refuses (resets) new connections; `cutOn` forwards the client bytes holding that text, then
 * cuts every connection; `stalled` forwards nothing either way, as a network partition would.
 */
async function proxyTo(port: number) {
	const state = { down: false, stalled: false, cutOn: undefined as string | undefined, cuts: 0 };
	const pairs = new Set<[Socket, Socket]>();
	const cutAll = () => {
		for (const [a, b] of pairs) {
			a.destroy();
			// Let the server read and run what was forwarded before it sees the connection end.
			setTimeout(() => b.destroy(), 300);
		}
		pairs.clear();
	};
	const server: Server = createServer((client) => {
		client.on('error', () => undefined);
		if (state.down) {
			client.destroy();
			return;
		}
		const upstream = connect(port, '127.0.0.1');
		upstream.on('error', () => undefined);
		const pair: [Socket, Socket] = [client, upstream];
		pairs.add(pair);
		client.on('data', (chunk: Buffer) => {
			if (state.stalled) return;
			upstream.write(chunk);
			if (state.cutOn && chunk.includes(state.cutOn)) {
				state.cutOn = undefined;
				state.cuts++;
				state.down = true;
				cutAll();
			}
		});
		upstream.on('data', (chunk: Buffer) => !state.stalled && client.write(chunk));
		client.on('close', () => upstream.end());
		upstream.on('close', () => client.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { port: (server.address() as AddressInfo).port, state, close: () => server.close() };
}

describe('PostgreSQL store: a claim whose give-back failed, then the retry', () => {
	it('claims the retry after the 503 as new, once the kept give-back has run', async () => {
		const pg = servers.postgres;
		const proxy = await proxyTo(pg.port);
		const table = `give_back_${Date.now()}`;
		const store = new PostgresDedupeStore({ kind: 'postgres', ...pg.dedupeSettings(table), port: proxy.port });
		opened.push(store);
		expect(await store.claim([{ key: 'warm', windowSeconds: 60 }])).toEqual([true]);

		const key = `wf:node:webhook:event-${Date.now()}`;
		proxy.state.cutOn = 'INSERT INTO';
		await expect(store.claim([{ key, windowSeconds: 3600 }])).rejects.toBeInstanceOf(DedupeStoreUnavailable);
		expect(proxy.state.cuts).toBe(1);

		// The INSERT did commit on the server: the row holds the key although the request was answered 503.
		const direct = new Client({ ...pg.dedupeSettings(table), ssl: false });
		await direct.connect();
		const rows = async () => (await direct.query(`SELECT count(*)::int AS n FROM ${table} WHERE key = $1`, [key])).rows[0].n as number;
		expect(await rows()).toBe(1);

		// The network comes back; the CRM retries the refused delivery.
		proxy.state.down = false;
		await sleep(500);
		const retry = await store.claim([{ key, windowSeconds: 3600 }]);
		const leftAfterRetry = await rows();
		await direct.end();
		proxy.close();
		// The event was never accepted: the retry is new, and its own claim is the one row.
		expect({ retry, leftAfterRetry }).toEqual({ retry: [true], leftAfterRetry: 1 });
	});
});

describe('PostgreSQL store: a stalled server', () => {
	it('answers every waiting request within the bound, however many wait, and claims the retries once it is back', async () => {
		const pg = servers.postgres;
		const proxy = await proxyTo(pg.port);
		const store = new PostgresDedupeStore({ kind: 'postgres', ...pg.dedupeSettings(`stall_${Date.now()}`), port: proxy.port });
		opened.push(store);
		expect(await store.claim([{ key: 'warm', windowSeconds: 60 }])).toEqual([true]);
		proxy.state.stalled = true;
		const keys = Array.from({ length: 10 }, (_, index) => `wf:node:webhook:stalled-${index}-${Date.now()}`);
		const answers = Promise.allSettled(keys.map(async (key) => await store.claim([{ key, windowSeconds: 3600 }])));
		// Each request waits at most the claim's 2 s, its INSERT's own timeout and one bounded give-back: never minutes.
		const settled = await Promise.race([answers, sleep(10_000).then(() => 'still waiting' as const)]);
		expect(settled === 'still waiting' ? settled : settled.map((answer) => answer.status)).toEqual(keys.map(() => 'rejected'));
		proxy.state.stalled = false;
		proxy.state.down = true;
		await sleep(300);
		proxy.state.down = false;
		// The senders retry: each event is new, once the kept give-backs have run.
		let retried: boolean[][] | undefined;
		for (let attempt = 0; attempt < 30 && !retried; attempt++) {
			retried = await Promise.all(keys.map(async (key) => await store.claim([{ key, windowSeconds: 3600 }]))).catch(async () => {
				await sleep(300);
				return undefined;
			});
		}
		proxy.close();
		expect(retried).toEqual(keys.map(() => [true]));
	});
});

describe('PostgreSQL store: closed while a give-back is kept', () => {
	it('hands the kept give-back to the next store for the same settings, so the retry is not taken for a duplicate', async () => {
		const pg = servers.postgres;
		const proxy = await proxyTo(pg.port);
		const settings = { kind: 'postgres' as const, ...pg.dedupeSettings(`handover_${Date.now()}`), port: proxy.port };
		const backlog = new ReleaseBacklog();
		const store = new PostgresDedupeStore(settings, backlog);
		expect(await store.claim([{ key: 'warm', windowSeconds: 60 }])).toEqual([true]);
		const key = `wf:node:webhook:handover-${Date.now()}`;
		proxy.state.cutOn = 'INSERT INTO';
		await expect(store.claim([{ key, windowSeconds: 3600 }])).rejects.toBeInstanceOf(DedupeStoreUnavailable);
		// A test run of the workflow ends (or the workflow is deactivated): the store closes while the network is down.
		await store.close();
		proxy.state.down = false;
		await sleep(300);
		const reopened = new PostgresDedupeStore(settings, backlog);
		opened.push(reopened);
		const retry = await reopened.claim([{ key, windowSeconds: 3600 }]);
		proxy.close();
		expect(retry).toEqual([true]);
	});
});

describe('PostgreSQL store: the next store for the same settings while the closing one gives back', () => {
	it('waits for the give-back under way instead of overtaking it, so the retry is not taken for a duplicate', async () => {
		const pg = servers.postgres;
		const proxy = await proxyTo(pg.port);
		const table = `overtake_${Date.now()}`;
		const backlog = new ReleaseBacklog();
		const closing = new PostgresDedupeStore({ kind: 'postgres', ...pg.dedupeSettings(table), port: proxy.port }, backlog);
		expect(await closing.claim([{ key: 'warm', windowSeconds: 60 }])).toEqual([true]);
		const key = `wf:node:webhook:overtake-${Date.now()}`;
		proxy.state.cutOn = 'INSERT INTO';
		await expect(closing.claim([{ key, windowSeconds: 3600 }])).rejects.toBeInstanceOf(DedupeStoreUnavailable);
		// The closing store's give-back hangs on its path to the server; the next store reaches the server directly.
		proxy.state.down = false;
		proxy.state.stalled = true;
		const closed = closing.close();
		await sleep(200);
		const next = new PostgresDedupeStore({ kind: 'postgres', ...pg.dedupeSettings(table) }, backlog);
		opened.push(next);
		let retry: boolean[] | undefined;
		for (let attempt = 0; attempt < 10 && !retry; attempt++) {
			retry = await next.claim([{ key, windowSeconds: 3600 }]).catch(() => undefined);
		}
		await closed;
		proxy.close();
		expect(retry).toEqual([true]);
	});
});
