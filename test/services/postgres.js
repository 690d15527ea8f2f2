// @ts-check
/**
 * A throwaway PostgreSQL on 127.0.0.1 for tests and `npm run start:queue`: Debian's server (installed
 * when missing), a fresh cluster in a temporary folder, a free port, password login, and fsync off
 * because the data is thrown away. PostgreSQL refuses to run as root, so under root the cluster
 * belongs to the `postgres` account the Debian package creates.
 */
const { spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const runtime = require('../n8n/runtime.js');
const { ensurePostgresBinDir } = require('./debian.js');
const { startRestartable } = require('./server.js');

const SUPERUSER = 'postgres';
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * @typedef {object} TestPostgres
 * @property {'127.0.0.1'} host
 * @property {number} port
 * @property {string} user a superuser
 * @property {string} password
 * @property {string} database
 * @property {(name: string) => Promise<void>} createDatabase
 * @property {(table: string, database?: string) => DedupeSettings} dedupeSettings the dedupe store's settings for this
 *   server, as the webhookDedupePostgresApi credential holds them (database: the server's own by default)
 * @property {() => Promise<void>} stopServer stops the server but keeps its data and port, as an outage would
 * @property {() => Promise<void>} startServer starts it again on the same data and port
 * @property {() => Promise<void>} stop stops it for good and removes its folder
 */

/**
 * @typedef {{ host: string, port: number, database: string, user: string, password: string, ssl: 'disable', table: string }} DedupeSettings
 */

/**
 * @param {{ port?: number }} [options]
 * @returns {Promise<TestPostgres>}
 */
async function startPostgres(options = {}) {
	const binDir = await ensurePostgresBinDir();
	const owner = clusterOwner();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-pg-'));
	const password = randomBytes(12).toString('hex');
	try {
		initCluster(binDir, dir, password, owner);
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	const connection = (/** @type {number} */ port) => ({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
	const controls = await startRestartable({
		name: 'postgres',
		dir,
		port: options.port,
		launch: (port) => launchPostgres(binDir, dir, port, owner),
		isReady: (port) =>
			query(connection(port), 'SELECT 1').then(
				() => true,
				() => false,
			),
	});
	return {
		host: '127.0.0.1',
		...controls,
		user: SUPERUSER,
		password,
		database: 'postgres',
		dedupeSettings: (table, database = 'postgres') => ({
			host: '127.0.0.1',
			port: controls.port,
			database,
			user: SUPERUSER,
			password,
			ssl: 'disable',
			table,
		}),
		async createDatabase(name) {
			if (!DATABASE_NAME.test(name)) throw new Error(`createDatabase: "${name}" is not a plain lower-case identifier`);
			await query(connection(controls.port), `CREATE DATABASE ${name}`);
		},
	};
}

/** Under root: the `postgres` account's ids, and setpriv to drop to them. Otherwise: the current user. */
function clusterOwner() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	const id = (/** @type {string} */ flag) => Number(spawnSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	const gid = id('-g');
	if (!Number.isInteger(uid) || uid <= 0) {
		throw new Error(`PostgreSQL cannot run as root and there is no "${SUPERUSER}" account (the Debian package creates it)`);
	}
	return { uid, gid };
}

/**
 * @param {string} binDir
 * @param {string} dir
 * @param {string} password
 * @param {{ uid: number, gid: number } | undefined} owner
 */
function initCluster(binDir, dir, password, owner) {
	const passwordFile = path.join(dir, 'password');
	fs.writeFileSync(passwordFile, password, { mode: 0o600 });
	if (owner) {
		fs.chownSync(dir, owner.uid, owner.gid);
		fs.chownSync(passwordFile, owner.uid, owner.gid);
	}
	const result = spawnSync(
		path.join(binDir, 'initdb'),
		[
			'-D',
			path.join(dir, 'data'),
			'-U',
			SUPERUSER,
			`--pwfile=${passwordFile}`,
			'--auth-local=scram-sha-256',
			'--auth-host=scram-sha-256',
			'--encoding=UTF8',
			'--locale=C',
			'--no-sync',
		],
		{ cwd: dir, encoding: 'utf8', timeout: 120_000, ...(owner ?? {}) },
	);
	if (result.status !== 0) throw new Error(`initdb failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/**
 * @param {string} binDir
 * @param {string} dir
 * @param {number} port
 * @param {{ uid: number, gid: number } | undefined} owner
 */
function launchPostgres(binDir, dir, port, owner) {
	const server = [
		path.join(binDir, 'postgres'),
		'-D',
		path.join(dir, 'data'),
		'-p',
		String(port),
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		`unix_socket_directories=${dir}`,
		'-c',
		'max_connections=300',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
	];
	const [command, ...args] = owner
		? ['setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--', ...server]
		: server;
	// SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to disconnect.
	return runtime.spawnSupervised(command, args, {
		env: { ...process.env, SUPERVISE_STOP_SIGNAL: 'SIGINT' },
		logFile: path.join(dir, 'postgres.log'),
	});
}

/**
 * @param {import('pg').ClientConfig} config
 * @param {string} sql
 */
async function query(config, sql) {
	const client = new Client({ ...config, connectionTimeoutMillis: 2000 });
	client.on('error', () => undefined);
	try {
		await client.connect();
		return await client.query(sql);
	} finally {
		await client.end().catch(() => undefined);
	}
}

module.exports = { startPostgres };
