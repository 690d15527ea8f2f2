// @ts-check
/**
 * A throwaway Redis on 127.0.0.1 for tests and `npm run start:queue`: Debian's redis-server (installed
 * when missing), a free port, no persistence, a temporary folder, stopped with its starter.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../n8n/runtime.js');
const { ensureRedisServer } = require('./debian.js');
const { startRestartable } = require('./server.js');

/**
 * @typedef {object} TestRedis
 * @property {'127.0.0.1'} host
 * @property {number} port
 * @property {() => Promise<void>} stopServer stops the server but keeps its port, as an outage would
 * @property {() => Promise<void>} startServer starts it again on the same port (empty: nothing is persisted)
 * @property {() => Promise<void>} stop stops it for good and removes its folder
 */

/**
 * @param {{ port?: number }} [options]
 * @returns {Promise<TestRedis>}
 */
async function startRedis(options = {}) {
	const binary = await ensureRedisServer();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-redis-'));
	const launch = (/** @type {number} */ port) =>
		runtime.spawnSupervised(
			binary,
			['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
			{ env: process.env, logFile: path.join(dir, 'redis.log') },
		);
	const controls = await startRestartable({ name: 'redis-server', dir, port: options.port, launch, isReady: answersPing });
	return { host: '127.0.0.1', ...controls };
}

/** @param {number} port */
function answersPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		let reply = '';
		const done = (/** @type {boolean} */ ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
		});
	});
}

module.exports = { startRedis };
