/**
 * Comparison 7 (the choice of the outbound transport): the same 5,000 keep-alive POSTs of 1 KB, at equal
 * concurrency, through our node:http transport, through axios (the copy installed with n8n, which
 * n8n's helpers.httpRequest and the HTTP Request node wrap) with a keep-alive agent, and through a
 * bare node:http client. Each runs in its own process on n8n's Node, without n8n: this isolates
 * the HTTP client. How n8n's own helpers use axios shows in the HTTP Request node's connections (7e).
 */
import type { ClientKind } from '../lib/clients';
import { runClient } from '../lib/clients';
import { n8nRequire } from '../lib/clientProcess';
import type { Receiver } from '../lib/receiver';
import type { Row, Section } from '../lib/report';
import { alternate, formatNumber, medianOf, round } from '../lib/stats';
import type { ClientRuntime } from './outbound';

const REQUESTS = 5_000;
const CONCURRENCIES = [10, 100];

export interface TransportRun {
	ms: number;
	windowMs: number;
	connections: number;
}

export async function transportSection(
	receiver: Receiver,
	runtime: ClientRuntime,
	rounds: number,
	connections: { ours: number; httpRequest: number },
): Promise<Section> {
	const axiosVersion = (n8nRequire(runtime.n8nBin)('axios/package.json') as { version: string }).version;
	const measure = async (client: ClientKind, concurrency: number): Promise<TransportRun> => {
		await receiver.reset();
		const ms = await runClient(runtime.nodeBin, {
			client,
			url: receiver.url('/transport'),
			concurrency,
			requests: REQUESTS,
			n8nBin: runtime.n8nBin,
		});
		const stats = await receiver.stats();
		if (stats.requests !== REQUESTS) throw new Error(`${client}: the receiver got ${stats.requests} of ${REQUESTS} requests`);
		return { ms, windowMs: stats.lastMs - stats.firstMs, connections: stats.connections };
	};
	const results: Record<string, TransportRun[]> = {};
	for (const concurrency of CONCURRENCIES) {
		Object.assign(
			results,
			await alternate<TransportRun>(
				rounds,
				(['ours', 'axios', 'raw'] as const).map((client) => ({
					name: `${client} c${concurrency}`,
					run: () => measure(client, concurrency),
				})),
			),
		);
	}
	const ms = (name: string) => medianOf(results[name], (run) => run.ms);
	const rate = (name: string) => `${formatNumber((REQUESTS / ms(name)) * 1000)}/s`;
	const versus = (id: string, comparison: string, ours: string, baseline: string): Row => ({
		id,
		comparison,
		ours: rate(ours),
		baseline: rate(baseline),
		ratio: ms(baseline) / ms(ours),
		target: '—',
		met: null,
	});
	const rows: Row[] = CONCURRENCIES.flatMap((concurrency, index) => [
		versus(
			`7${'ac'[index]}`,
			`Transport alone, 5,000 keep-alive POSTs, c${concurrency}: ours (node:http) vs axios ${axiosVersion}`,
			`ours c${concurrency}`,
			`axios c${concurrency}`,
		),
		versus(
			`7${'bd'[index]}`,
			`Transport alone, c${concurrency}: ours vs bare node:http client`,
			`ours c${concurrency}`,
			`raw c${concurrency}`,
		),
	]);
	rows.push({
		id: '7e',
		comparison: 'TCP connections opened for 5,000 deliveries in n8n (most in a round): ours c100 vs HTTP Request node',
		ours: formatNumber(connections.ours),
		baseline: formatNumber(connections.httpRequest),
		ratio: null,
		target: '—',
		met: null,
	});
	return {
		rows,
		details: {
			axiosVersion,
			requests: REQUESTS,
			medians: Object.fromEntries(
				Object.keys(results).map((name) => [name, { ms: round(ms(name)), connections: medianOf(results[name], (run) => run.connections) }]),
			),
			rounds: results,
		},
	};
}
