// @ts-check
/**
 * Runs one n8n and guarantees it dies with whoever started it. The parent holds our stdin; when the
 * parent exits for any reason (even SIGKILL or a killed test runner), stdin closes and we stop n8n
 * and its task runner. We lead our own process group, so the whole tree is stopped together.
 *
 *   node supervise.js <node binary> <n8n bin> start
 *
 * SUPERVISE_STOP_SIGNAL picks the signal that asks the child to stop (default SIGTERM; PostgreSQL
 * needs SIGINT, its fast shutdown, because SIGTERM waits for every client to disconnect).
 */
const { spawn } = require('node:child_process');

const [nodeBin, ...args] = process.argv.slice(2);
const child = spawn(nodeBin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const GRACE_MS = 15_000;
const STOP_SIGNAL = /** @type {NodeJS.Signals} */ (process.env.SUPERVISE_STOP_SIGNAL || 'SIGTERM');

let stopping = false;
/** @param {NodeJS.Signals} signal */
function stop(signal) {
	if (stopping) return;
	stopping = true;
	child.kill(signal);
	setTimeout(killGroup, GRACE_MS).unref();
}

function killGroup() {
	try {
		process.kill(-process.pid, 'SIGKILL');
	} catch {
		process.exit(1);
	}
}

process.on('SIGTERM', () => stop(STOP_SIGNAL));
process.on('SIGINT', () => stop(STOP_SIGNAL));
process.stdin.on('close', () => stop(STOP_SIGNAL));
process.stdin.resume();
child.on('exit', (code) => {
	// n8n is gone; take its task runner (same group) with it, then ourselves.
	process.exitCode = code ?? 1;
	killGroup();
});
