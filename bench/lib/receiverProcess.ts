/**
 * The benchmark's loopback receiver, run in its own process (child_process.fork) so it never shares
 * an event loop with the load it measures. It answers every request, and counts what arrived:
 * requests, first and last arrival, new connections, and deliveries per item id and per
 * idempotency key, so duplicates are counted where they land.
 *
 * Faulty mode: the first attempt of every n-th item id (by the "id" field of the JSON body) is answered 503.
 * Driven over IPC by bench/lib/receiver.ts.
 */
import http from 'node:http';

export interface ReceiverConfig {
	/** 0: never fail. n: answer 503 to the first attempt of items whose id is a multiple of n. */
	failFirstAttemptEvery: number;
}

export interface ReceiverStats {
	requests: number;
	/** Requests answered 2xx. */
	delivered: number;
	/** Distinct item ids answered 2xx. */
	uniqueIds: number;
	/** 2xx answers to an item id that had already had one. */
	duplicatesById: number;
	/** Distinct idempotency keys answered 2xx (requests without the header are not counted). */
	uniqueKeys: number;
	duplicatesByKey: number;
	answered503: number;
	/** Epoch ms of the first and the last request's arrival (its end of body). */
	firstMs: number;
	lastMs: number;
	/** TCP connections opened since the reset. */
	connections: number;
	bytesReceived: number;
}

const RESPONSE_BODY = JSON.stringify({ ok: true, receipt: { id: 'rcpt_0001', status: 'accepted' } });
const ID = /"id"\s*:\s*"?([A-Za-z0-9_-]+)/;

let config: ReceiverConfig = { failFirstAttemptEvery: 0 };
let attempted = new Set<string>();
let deliveredIds = new Map<string, number>();
let deliveredKeys = new Map<string, number>();
let stats: ReceiverStats = emptyStats();

function emptyStats(): ReceiverStats {
	return {
		requests: 0,
		delivered: 0,
		uniqueIds: 0,
		duplicatesById: 0,
		uniqueKeys: 0,
		duplicatesByKey: 0,
		answered503: 0,
		firstMs: 0,
		lastMs: 0,
		connections: 0,
		bytesReceived: 0,
	};
}

const now = () => performance.timeOrigin + performance.now();

function count(map: Map<string, number>, key: string | undefined) {
	if (key === undefined) return;
	map.set(key, (map.get(key) ?? 0) + 1);
}

const server = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 120_000 }, (req, res) => {
	let head = '';
	let bytes = 0;
	req.on('data', (chunk: Buffer) => {
		if (head.length < 200) head += chunk.subarray(0, 200).toString('latin1');
		bytes += chunk.length;
	});
	req.on('end', () => {
		const arrived = now();
		if (stats.requests === 0) stats.firstMs = arrived;
		stats.lastMs = arrived;
		stats.requests++;
		stats.bytesReceived += bytes;
		const id = ID.exec(head)?.[1];
		let status = 200;
		if (config.failFirstAttemptEvery > 0 && id !== undefined && !attempted.has(id) && Number(id) % config.failFirstAttemptEvery === 0) {
			status = 503;
		}
		if (id !== undefined) attempted.add(id);
		if (status === 503) {
			stats.answered503++;
			res.writeHead(503, { 'content-type': 'application/json', 'content-length': 2 }).end('{}');
			return;
		}
		stats.delivered++;
		count(deliveredIds, id);
		const key = req.headers['idempotency-key'];
		count(deliveredKeys, typeof key === 'string' ? key : undefined);
		res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(RESPONSE_BODY) }).end(RESPONSE_BODY);
	});
});
server.on('connection', () => stats.connections++);

function summary(): ReceiverStats {
	const sum = (map: Map<string, number>) => [...map.values()].reduce((total, value) => total + value, 0);
	return {
		...stats,
		uniqueIds: deliveredIds.size,
		duplicatesById: sum(deliveredIds) - deliveredIds.size,
		uniqueKeys: deliveredKeys.size,
		duplicatesByKey: sum(deliveredKeys) - deliveredKeys.size,
	};
}

type Message = { id: number; type: 'reset'; config: ReceiverConfig } | { id: number; type: 'stats' } | { id: number; type: 'close' };

process.on('message', (message: Message) => {
	const reply = (payload: unknown) => process.send?.({ id: message.id, payload });
	switch (message.type) {
		case 'reset':
			config = message.config;
			attempted = new Set();
			deliveredIds = new Map();
			deliveredKeys = new Map();
			stats = emptyStats();
			return reply(null);
		case 'stats':
			return reply(summary());
		case 'close':
			server.closeAllConnections();
			server.close(() => process.exit(0));
			return undefined;
	}
});

// The parent going away ends the receiver too.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	process.send?.({ id: 0, payload: { port: typeof address === 'object' && address ? address.port : 0 } });
});
