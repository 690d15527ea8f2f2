/**
 * A scripted webhook receiver on 127.0.0.1 for the outbound tests: it records the exact bytes of
 * every request and answers each one as the test script says (status, headers, body, a reset
 * connection, or no answer at all).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import path from 'node:path';

import { withoutBrackets } from '../../../nodes/shared/http/hosts';
import { destroyAgents } from '../../../nodes/shared/outbound/transport';

export interface Received {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	/** Which TCP connection carried the request (1, 2, …), to observe keep-alive reuse. */
	connection: number;
}

export type Scripted =
	| { status: number; headers?: Record<string, string>; body?: string | Buffer }
	| 'reset'
	| 'hang'
	| ((request: Received, response: http.ServerResponse) => void);

export interface Receiver {
	url: (pathname?: string) => string;
	requests: Received[];
	/** Answers for the next requests in order; after the last one, the last answer repeats. Clears what was recorded. */
	script: (...answers: Scripted[]) => void;
	maxInFlight: () => number;
	close: () => Promise<void>;
}

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../fixtures/outbound', name));
export const TLS = { key: fixture('localhost.key.pem'), cert: fixture('localhost.cert.pem') };

function trackSockets(server: net.Server) {
	const sockets = new Set<Socket>();
	let connections = 0;
	const ids = new WeakMap<Socket, number>();
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		ids.set(socket, ++connections);
		socket.on('close', () => sockets.delete(socket));
	});
	return { sockets, id: (socket: Socket) => ids.get(socket) ?? 0 };
}

const closeServer = (server: net.Server, sockets: Set<Socket>) =>
	new Promise<void>((resolve) => {
		for (const socket of sockets) socket.destroy();
		server.close(() => resolve());
	});

export async function startReceiver(options: { tls?: boolean } = {}): Promise<Receiver> {
	let answers: Scripted[] = [{ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }];
	let inFlight = 0;
	let maxInFlight = 0;
	// Requests left over from an earlier script (a hung one) must not count for the next.
	let generation = 0;
	const requests: Received[] = [];
	const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		const mine = generation;
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		let settled = false;
		// 'finish' comes before the client can see the answer and send its next request.
		const settle = () => {
			if (settled || mine !== generation) return;
			settled = true;
			inFlight--;
		};
		res.on('finish', settle);
		res.on('close', settle);
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const received: Received = {
				method: req.method ?? '',
				url: req.url ?? '',
				headers: req.headers,
				body: Buffer.concat(chunks),
				connection: tracker.id(req.socket),
			};
			const answer = answers[Math.min(requests.length, answers.length - 1)];
			requests.push(received);
			if (answer === 'reset') return req.socket.destroy();
			if (answer === 'hang') return;
			if (typeof answer === 'function') return answer(received, res);
			res.writeHead(answer.status, answer.headers ?? {});
			res.end(answer.body ?? '');
		});
	};
	const server = options.tls ? https.createServer(TLS, handler) : http.createServer(handler);
	const tracker = trackSockets(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: (pathname = '/hook') => `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${pathname}`,
		requests,
		script: (...next) => {
			answers = next;
			requests.length = 0;
			generation++;
			inFlight = 0;
			maxInFlight = 0;
		},
		maxInFlight: () => maxInFlight,
		close: () => closeServer(server, tracker.sockets),
	};
}

/** Starts a receiver for the enclosing describe block; stops it and the pooled sockets afterwards. */
export function useReceiver(assign: (receiver: Receiver) => void, options: { tls?: boolean } = {}) {
	let current: Receiver | undefined;
	beforeAll(async () => {
		current = await startReceiver(options);
		assign(current);
	});
	afterAll(async () => {
		await current?.close();
		destroyAgents();
	});
}

export interface Proxy {
	url: string;
	/** Request lines the proxy saw: `CONNECT host:port` or `GET http://host/path`. */
	seen: string[];
	close: () => Promise<void>;
}

export interface ProxyOptions {
	/** Serve the proxy itself over TLS (an https:// proxy), with the localhost test certificate. */
	tls?: boolean;
	/** Answer every CONNECT with this status instead of opening the tunnel. */
	refuseConnect?: number;
}

const isLoopbackHost = (host: string) => ['127.0.0.1', 'localhost', '::1'].includes(withoutBrackets(host));

/**
 * A tiny forward proxy: absolute-form requests for http targets, CONNECT tunnels for https.
 * `answer` lets a test answer an absolute-form request itself instead of forwarding it.
 */
export async function startProxy(
	answer?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
	options: ProxyOptions = {},
): Promise<Proxy> {
	const seen: string[] = [];
	const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
		seen.push(`${req.method} ${req.url}${req.headers['proxy-authorization'] ? ' (auth)' : ''}`);
		if (answer?.(req, res)) return;
		const target = new URL(req.url ?? '');
		// Tests never leave the machine: a request that got past a check it should have failed ends here.
		if (!isLoopbackHost(target.hostname)) return void res.writeHead(502).end('The test proxy forwards to loopback only');
		const upstream = http.request(
			{
				hostname: target.hostname,
				port: target.port,
				path: `${target.pathname}${target.search}`,
				method: req.method,
				headers: req.headers,
			},
			(response) => {
				res.writeHead(response.statusCode ?? 502, response.headers);
				response.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	};
	const server = options.tls ? https.createServer(TLS, handler) : http.createServer(handler);
	server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
		seen.push(`CONNECT ${req.url}`);
		if (options.refuseConnect) return void client.end(`HTTP/1.1 ${options.refuseConnect} Refused\r\nContent-Length: 0\r\n\r\n`);
		const target = req.url ?? '';
		const colon = target.lastIndexOf(':');
		const host = withoutBrackets(target.slice(0, colon));
		if (!isLoopbackHost(host)) return void client.end('HTTP/1.1 502 Loopback Only\r\nContent-Length: 0\r\n\r\n');
		const upstream = net.connect(Number(target.slice(colon + 1)), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	});
	const tracker = trackSockets(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, seen, close: () => closeServer(server, tracker.sockets) };
}
