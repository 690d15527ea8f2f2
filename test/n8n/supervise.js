// @ts-check
/**
 * Runs one n8n and guarantees it dies with whoever started it. The parent holds our stdin; when the
 * parent exits for any reason (even SIGKILL or a killed test runner), stdin closes and we stop n8n
 * and its task runner. We lead our own process group, so the whole tree is stopped together.
 *
 *   node supervise.js <node binary> <n8n bin> start
 */
const { spawn } = require('node:child_process');

const [nodeBin, ...args] = process.argv.slice(2);
const child = spawn(nodeBin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const GRACE_MS = 15_000;

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

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGTERM'));
process.stdin.on('close', () => stop('SIGTERM'));
process.stdin.resume();
child.on('exit', (code) => {
	// n8n is gone; take its task runner (same group) with it, then ourselves.
	process.exitCode = code ?? 1;
	killGroup();
});
