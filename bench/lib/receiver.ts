import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import path from 'node:path';

import type { ReceiverConfig, ReceiverStats } from './receiverProcess';

export type { ReceiverConfig, ReceiverStats };

/** Handle on the receiver process (bench/lib/receiverProcess.ts). */
export interface Receiver {
	url(pathName?: string): string;
	reset(config?: Partial<ReceiverConfig>): Promise<void>;
	stats(): Promise<ReceiverStats>;
	close(): Promise<void>;
}

/** Forks the receiver into its own process (through tsx, like the suite) and waits for its port. */
export async function startReceiver(): Promise<Receiver> {
	const child: ChildProcess = fork(path.join(__dirname, 'receiverProcess.ts'), [], {
		execArgv: ['--import', 'tsx'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const pending = new Map<number, (payload: unknown) => void>();
	let nextId = 1;
	child.on('message', (message: { id: number; payload: unknown }) => {
		pending.get(message.id)?.(message.payload);
		pending.delete(message.id);
	});
	const call = <T>(type: string, extra: object = {}) =>
		new Promise<T>((resolve, reject) => {
			const id = nextId++;
			pending.set(id, (payload) => resolve(payload as T));
			child.send({ id, type, ...extra }, (error) => error && reject(error));
		});
	const { port } = await new Promise<{ port: number }>((resolve, reject) => {
		pending.set(0, (payload) => resolve(payload as { port: number }));
		child.once('exit', (code) => reject(new Error(`The receiver exited early (${code})`)));
	});
	return {
		url: (pathName = '/') => `http://127.0.0.1:${port}${pathName}`,
		reset: (config = {}) => call('reset', { config: { failFirstAttemptEvery: 0, ...config } }),
		stats: () => call<ReceiverStats>('stats'),
		close: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.send({ id: -1, type: 'close' });
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
		},
	};
}
