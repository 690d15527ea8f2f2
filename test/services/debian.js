// @ts-check
/**
 * Finds a server binary from a Debian package and installs the package when it is missing, so CI
 * on a fresh Debian machine (running as root) provisions PostgreSQL and Redis itself. The package's
 * own service is not started: Debian containers deny that through policy-rc.d, and the tests start
 * their own instances on free ports anyway.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const runtime = require('../n8n/runtime.js');

// One apt at a time across test processes; apt-get itself waits up to this long for dpkg's lock.
const APT_LOCK = '/tmp/crm-webhooks-apt.lock';
const DPKG_LOCK_TIMEOUT_S = 600;

/**
 * @param {{ packageName: string, find: () => string | undefined }} wanted
 * @returns {Promise<string>} the binary's path
 */
async function ensureDebianBinary({ packageName, find }) {
	const found = find();
	if (found) return found;
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		throw new Error(`${packageName} is not installed; install it with: sudo apt-get install -y ${packageName}`);
	}
	await runtime.withLock(APT_LOCK, async () => {
		if (find()) return;
		aptGet(['update']);
		aptGet(['install', '-y', '--no-install-recommends', packageName]);
	});
	const installed = find();
	if (!installed) throw new Error(`apt-get installed ${packageName}, but its server binary was not found`);
	return installed;
}

/** @param {string[]} args */
function aptGet(args) {
	runtime.log(`apt-get ${args.join(' ')} …`);
	const result = spawnSync('apt-get', ['-o', `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_S}`, ...args], {
		encoding: 'utf8',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		timeout: 15 * 60_000,
	});
	if (result.status !== 0) {
		throw new Error(`apt-get ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
	}
}

/** @param {string} file */
const isExecutable = (file) => {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
};

/** The newest PostgreSQL server Debian installed (/usr/lib/postgresql/<major>/bin). */
function findPostgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((major) => isExecutable(`${root}/${major}/bin/postgres`) && isExecutable(`${root}/${major}/bin/initdb`))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length > 0 ? `${root}/${majors[0]}/bin` : undefined;
}

const ensurePostgresBinDir = () => ensureDebianBinary({ packageName: 'postgresql', find: findPostgresBinDir });

const ensureRedisServer = () =>
	ensureDebianBinary({
		packageName: 'redis-server',
		find: () => ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(isExecutable),
	});

module.exports = { ensurePostgresBinDir, ensureRedisServer };
