/**
 * CPU-profiles another Node process for the duration of a function: SIGUSR1 opens its inspector on
 * 127.0.0.1:9229, and the DevTools protocol starts and stops the V8 profiler. Used to find where
 * time goes inside the n8n process when a target is missed (the harness starts n8n under a
 * supervisor that refuses --cpu-prof in NODE_OPTIONS). Needs a global WebSocket (Node ≥ 22).
 */
import fs from 'node:fs';

import { sleep } from './stats';

interface Cdp {
	send(method: string, params?: object): Promise<Record<string, unknown>>;
	close(): void;
}

async function connect(url: string): Promise<Cdp> {
	const WebSocketClass = (globalThis as unknown as { WebSocket?: new (url: string) => WebSocket }).WebSocket;
	if (!WebSocketClass) throw new Error('Profiling needs a global WebSocket: run with Node 22 or later');
	const socket = new WebSocketClass(url);
	await new Promise((resolve, reject) => {
		socket.addEventListener('open', resolve, { once: true });
		socket.addEventListener('error', reject, { once: true });
	});
	let nextId = 1;
	const pending = new Map<number, (result: Record<string, unknown>) => void>();
	socket.addEventListener('message', (event: MessageEvent) => {
		const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown> };
		if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
	});
	return {
		send: (method, params = {}) =>
			new Promise((resolve) => {
				const id = nextId++;
				pending.set(id, resolve);
				socket.send(JSON.stringify({ id, method, params }));
			}),
		close: () => socket.close(),
	};
}

export async function profileProcess<T>(pid: number, file: string, run: () => Promise<T>): Promise<T> {
	process.kill(pid, 'SIGUSR1');
	let targets: Array<{ webSocketDebuggerUrl: string }> = [];
	for (let attempt = 0; attempt < 50 && targets.length === 0; attempt++) {
		await sleep(100);
		targets = await fetch('http://127.0.0.1:9229/json/list')
			.then((response) => response.json() as Promise<typeof targets>)
			.catch(() => []);
	}
	if (targets.length === 0) throw new Error(`The inspector of process ${pid} did not open`);
	const cdp = await connect(targets[0].webSocketDebuggerUrl);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	await cdp.send('Profiler.start');
	try {
		return await run();
	} finally {
		const { profile } = await cdp.send('Profiler.stop');
		fs.writeFileSync(file, JSON.stringify(profile));
		cdp.close();
	}
}
