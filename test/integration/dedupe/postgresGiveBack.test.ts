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
import { DedupeStoreUnavailable } from '../../../nodes/shared/dedupe/types';
import type { SharedDedupeStore } from '../../../nodes/shared/dedupe/types';
import { useStoreServers } from '../storeServers';

jest.setTimeout(120_000);

const opened: SharedDedupeStore[] = [];
const servers = useStoreServers(async () => await Promise.all(opened.map(async (store) => await store.close())));
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy: `down` refuses (resets) new connections; `cutAfter(pattern)` forwards the client bytes holding pattern, then cuts every connection. */
async function proxyTo(port: number) {
	const state = { down: false, cutOn: undefined as string | undefined, cuts: 0 };
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
			upstream.write(chunk);
			if (state.cutOn && chunk.includes(state.cutOn)) {
				state.cutOn = undefined;
				state.cuts++;
				state.down = true;
				cutAll();
			}
		});
		upstream.on('data', (chunk: Buffer) => client.write(chunk));
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
