// @ts-check
/**
 * What the PostgreSQL and Redis test servers share: a supervised process on a free loopback port
 * that is stopped with whoever started it, and a bounded wait until it answers.
 */
const fs = require('node:fs');

const runtime = require('../n8n/runtime.js');

const READY_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;

/** @typedef {ReturnType<typeof runtime.spawnSupervised>} Supervised */

/**
 * Launches a server and waits until `isReady(port)` holds. Another process may take the free port
 * between choosing and binding it, so a server that exits early is tried again on a new port, unless
 * the port was fixed (a restart must come back where its clients look).
 * @param {{ name: string, port?: number, launch: (port: number) => Supervised, isReady: (port: number) => Promise<boolean> }} spec
 * @returns {Promise<{ port: number, server: Supervised }>}
 */
async function startOnFreePort({ name, port: fixedPort, launch, isReady }) {
	let lastOutput = '';
	for (let attempt = 1; attempt <= (fixedPort ? 1 : PORT_ATTEMPTS); attempt++) {
		const port = fixedPort ?? (await runtime.freePort());
		const server = launch(port);
		if (await waitUntilReady(server, () => isReady(port))) return { port, server };
		lastOutput = server.output();
		await server.kill();
	}
	throw new Error(`${name} did not start on 127.0.0.1 within ${READY_TIMEOUT_MS / 1000} s:\n${lastOutput.slice(-3000)}`);
}

/**
 * @param {Supervised} server
 * @param {() => Promise<boolean>} isReady
 */
async function waitUntilReady(server, isReady) {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline && !server.exited()) {
		if (await isReady()) return true;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return false;
}

/**
 * Starts a server whose data lives in `dir`, with the controls both test servers offer.
 * @param {{ name: string, dir: string, port?: number, launch: (port: number) => Supervised, isReady: (port: number) => Promise<boolean> }} spec
 */
async function startRestartable(spec) {
	const started = await startOnFreePort(spec);
	/** @type {Supervised | undefined} */
	let running = started.server;
	const stopServer = async () => {
		await running?.stop();
		running = undefined;
	};
	return {
		port: started.port,
		/** Stops the server but keeps its port and data, as an outage would. */
		stopServer,
		/** Starts it again on the same port and data. */
		async startServer() {
			if (!running) running = (await startOnFreePort({ ...spec, port: started.port })).server;
		},
		/** Stops it for good and removes its folder. */
		async stop() {
			await stopServer();
			fs.rmSync(spec.dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startRestartable };
