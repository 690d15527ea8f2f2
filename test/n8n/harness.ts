/**
 * Real-n8n test harness: each test file starts its own n8n (throw-away user folder, free port,
 * SQLite, diagnostics off) with this package installed from the packed tarball, imports and
 * publishes its workflows, and talks to it over HTTP. Nothing here mocks n8n.
 *
 *   const n8n = await startN8n({ workflows: [wf], credentials: [cred] });
 *   await fetch(n8n.webhookUrl('my-path'), { method: 'POST', body });
 *   await n8n.waitForExecutions(wf.id, 1);
 *   await n8n.stop();
 */
import { parse as parseFlatted } from 'flatted';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as runtime from './runtime.js';

export const PACKAGE_PREFIX = 'n8n-nodes-crm-webhooks';
export type Json = Record<string, unknown>;

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion?: number;
	position?: [number, number];
	parameters?: Json;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	alwaysOutputData?: boolean;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Json;
	settings?: Json;
	[key: string]: unknown;
}

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Json;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished?: boolean;
}

export interface StartOptions {
	workflows?: WorkflowJson[];
	credentials?: CredentialJson[];
	/** Extra environment for n8n, e.g. { N8N_PAYLOAD_SIZE_MAX: '1' }. */
	env?: Record<string, string>;
	/** Keep the user folder (and its SQLite database) when stopping, to restart on it. */
	userFolder?: string;
}

/** A node of this package: `pkgNode('outboundWebhook', {...})`. */
export function pkgNode(type: string, node: Omit<WorkflowNode, 'type'>): WorkflowNode {
	return { typeVersion: 1, parameters: {}, ...node, type: `${PACKAGE_PREFIX}.${type}` };
}

/** A core n8n node: `coreNode('noOp', {...})`. */
export function coreNode(type: string, node: Omit<WorkflowNode, 'type'>): WorkflowNode {
	return { typeVersion: 1, parameters: {}, ...node, type: `n8n-nodes-base.${type}` };
}

/**
 * Builds a workflow from nodes and a chain description. `chain` lists connections as
 * [from, to, fromOutputIndex?, toInputIndex?].
 */
export function workflow(
	id: string,
	nodes: WorkflowNode[],
	chain: Array<[string, string, number?, number?]>,
	settings: Json = {},
): WorkflowJson {
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	for (const [from, to, output = 0, input = 0] of chain) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output].push({ node: to, type: 'main', index: input });
	}
	nodes.forEach((node, index) => {
		node.id ??= randomUUID();
		node.position ??= [index * 220, 0];
	});
	// n8n workflow ids are 16 alphanumeric characters.
	const paddedId = id
		.replace(/[^A-Za-z0-9]/g, '')
		.padEnd(16, '0')
		.slice(0, 16);
	return { id: paddedId, name: id, nodes, connections, settings: { executionOrder: 'v1', ...settings } };
}

export class TestN8n {
	private cookie = '';

	constructor(
		private readonly handle: Awaited<ReturnType<typeof runtime.startN8n>>,
		readonly userFolder: string,
		private readonly keepUserFolder: boolean,
	) {}

	get baseUrl(): string {
		return this.handle.baseUrl;
	}

	/** Production webhook URL of a path. */
	webhookUrl(pathName: string): string {
		return `${this.handle.baseUrl}/webhook/${pathName.replace(/^\//, '')}`;
	}

	/** n8n's console output so far, for assertions on logs. */
	output(): string {
		return this.handle.output();
	}

	async setupOwner(): Promise<void> {
		const response = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (response.status === 400) {
			// The owner exists already (restart on a kept user folder): log in instead.
			const login = await fetch(`${this.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			});
			if (!login.ok) throw new Error(`n8n login failed: ${login.status} ${await login.text()}`);
			this.cookie = cookieOf(login);
			return;
		}
		if (!response.ok) throw new Error(`n8n owner setup failed: ${response.status} ${await response.text()}`);
		this.cookie = cookieOf(response);
	}

	/**
	 * Waits until n8n 2.x has published the workflows' triggers: it activates published workflows in
	 * the background after it reports ready, so a request sent at once could find no webhook yet.
	 * Publication that fails is left for the test to see (some tests publish invalid workflows).
	 */
	async waitForPublication(workflowIds: string[], timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (const id of workflowIds) {
			while (Date.now() < deadline) {
				const { status } = await this.rest<{ status: string }>(`workflows/${id}/publication-status`);
				if (!['in_progress', 'not_published'].includes(status)) break;
				await sleep(100);
			}
		}
	}

	/** The owner's session cookie (`n8n-auth=…`), e.g. for a browser that opens the editor. */
	get ownerCookie(): string {
		return this.cookie;
	}

	/** A request to n8n as the logged-in owner (editor assets such as /types/credentials.json need it). */
	async fetchAsOwner(pathName: string, init: RequestInit = {}): Promise<Response> {
		return await fetch(`${this.baseUrl}/${pathName.replace(/^\//, '')}`, {
			...init,
			headers: { cookie: this.cookie, ...(init.headers ?? {}) },
		});
	}

	/** Calls n8n's internal REST API as the owner. */
	async rest<T = unknown>(pathName: string, init: RequestInit = {}): Promise<T> {
		const response = await fetch(`${this.baseUrl}/rest/${pathName.replace(/^\//, '')}`, {
			...init,
			headers: { 'content-type': 'application/json', cookie: this.cookie, ...(init.headers ?? {}) },
		});
		if (!response.ok) throw new Error(`n8n REST ${pathName}: ${response.status} ${await response.text()}`);
		return ((await response.json()) as { data: T }).data;
	}

	/** Executions of a workflow as n8n records them (newest first). */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		// n8n 2.41 pages by an opaque cursor (it answers 400 to lastId), n8n 1.x by lastId. The first page
		// also lists the running ones, so an execution that finishes between pages could appear twice.
		const all = new Map<string, ExecutionSummary>();
		let position: Record<string, string> = {};
		for (let page = 0; page < 1000; page++) {
			const query = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '100', ...position });
			const { results, nextCursor } = await this.rest<{ results: ExecutionSummary[]; nextCursor?: string | null }>(`executions?${query}`);
			for (const execution of results) if (!all.has(execution.id)) all.set(execution.id, execution);
			if (nextCursor) position = { cursor: nextCursor };
			else if (nextCursor === undefined && results.length >= 100) position = { lastId: results[results.length - 1].id };
			else break;
		}
		return [...all.values()];
	}

	/** Waits until a workflow has at least `count` executions and none is still running. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 60_000): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		let executions: ExecutionSummary[] = [];
		while (Date.now() < deadline) {
			executions = await this.executions(workflowId);
			const settled = executions.filter((execution) => !['running', 'new', 'waiting'].includes(execution.status));
			if (settled.length >= count && settled.length === executions.length) return executions;
			await sleep(250);
		}
		throw new Error(
			`Expected ${count} settled executions of ${workflowId} within ${timeoutMs} ms, saw ${executions.length}: ` +
				executions.map((execution) => execution.status).join(', '),
		);
	}

	/** The run data of one execution: node name → array of runs → output items (json only). */
	async executionData(executionId: string): Promise<ExecutionData> {
		const execution = await this.rest<{ data: string; status: string }>(`executions/${executionId}`);
		const data = parseFlatted(execution.data) as RawExecutionData;
		const runData = data.resultData?.runData ?? {};
		const nodes: ExecutionData['nodes'] = {};
		for (const [nodeName, runs] of Object.entries(runData)) {
			nodes[nodeName] = runs.map((run) => ({
				outputs: (run.data?.main ?? []).map((items) => (items ?? []).map((item) => item.json)),
				error: run.error?.message,
			}));
		}
		return { status: execution.status, error: data.resultData?.error?.message, nodes };
	}

	/** Items on one output of a node in an execution's first run. */
	async outputItems(executionId: string, nodeName: string, outputIndex = 0): Promise<Json[]> {
		const { nodes } = await this.executionData(executionId);
		return nodes[nodeName]?.[0]?.outputs[outputIndex] ?? [];
	}

	/** Whether n8n's process is still running (false after a crash, kill() or stop()). */
	isRunning(): boolean {
		return !this.handle.exited();
	}

	/**
	 * Resident memory of n8n's main process in bytes (read from /proc; Linux only), or undefined
	 * when it cannot be read. The supervisor's only child is n8n itself; its task runner is not counted.
	 */
	rssBytes(): number | undefined {
		const supervisor = this.handle.process.pid;
		if (!supervisor) return undefined;
		try {
			const children = fs.readFileSync(`/proc/${supervisor}/task/${supervisor}/children`, 'utf8').trim().split(/\s+/);
			const status = fs.readFileSync(`/proc/${children[0]}/status`, 'utf8');
			const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
			return kb ? Number(kb[1]) * 1024 : undefined;
		} catch {
			return undefined;
		}
	}

	/** Kills n8n at once (SIGKILL to its process group), as a crash or power cut would. The user folder is kept when it was given. */
	async kill(): Promise<void> {
		await this.handle.kill();
		if (!this.keepUserFolder) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}

	async stop(): Promise<void> {
		await this.handle.stop();
		if (!this.keepUserFolder) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

export interface ExecutionData {
	status: string;
	error?: string;
	nodes: Record<string, Array<{ outputs: Json[][]; error?: string }>>;
}

type RawExecutionData = {
	resultData?: {
		error?: { message?: string };
		runData?: Record<string, Array<{ data?: { main?: Array<Array<{ json: Json }> | null> }; error?: { message?: string } }>>;
	};
};

const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Passw0rd-Test-Owner' };

function cookieOf(response: Response): string {
	const header = response.headers.get('set-cookie') ?? '';
	const match = /n8n-auth=[^;]+/.exec(header);
	if (!match) throw new Error('n8n did not set an auth cookie');
	return match[0];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Prepares n8n once per test run: installed runtime, packed tarball, a template user folder with the package. */
export async function prepareRuntime(): Promise<{ templateFolder: string }> {
	const ready = process.env.CRM_WEBHOOKS_TEMPLATE_FOLDER;
	if (ready && fs.existsSync(ready)) return { templateFolder: ready };
	await runtime.ensureN8n();
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-e2e-'));
	const tarball = runtime.packPackage(path.join(workDir, 'pack'));
	const templateFolder = path.join(workDir, 'template');
	runtime.installPackageLikeN8n(tarball, templateFolder);
	process.env.CRM_WEBHOOKS_TEMPLATE_FOLDER = templateFolder;
	// The process that packed (jest's parent, a bench or docs run) removes the tarball when it exits.
	process.once('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));
	process.env.CRM_WEBHOOKS_TARBALL = tarball;
	return { templateFolder };
}

/** Starts a real n8n with this package, the given credentials and published workflows, and an owner account. */
export async function startN8n(options: StartOptions = {}): Promise<TestN8n> {
	const { templateFolder } = await prepareRuntime();
	const installed = await runtime.ensureN8n();
	const keep = options.userFolder !== undefined;
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-n8n-'));
	if (!fs.existsSync(path.join(userFolder, '.n8n', 'nodes'))) {
		fs.cpSync(path.join(templateFolder, '.n8n'), path.join(userFolder, '.n8n'), { recursive: true });
	}
	const cli = (args: string[]) => runtime.n8nCli(installed, args, { userFolder, extra: options.env });
	if (options.credentials?.length) {
		const file = path.join(userFolder, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(options.credentials));
		cli(['import:credentials', `--input=${file}`]);
	}
	if (options.workflows?.length) {
		const file = path.join(userFolder, 'workflows.json');
		fs.writeFileSync(file, JSON.stringify(options.workflows));
		cli(['import:workflow', `--input=${file}`]);
		for (const { id } of options.workflows) cli(runtime.publishWorkflowArgs(installed, id));
	}
	const port = await runtime.freePort();
	const handle = await runtime.startN8n(installed, {
		userFolder,
		port,
		extra: { N8N_LOG_LEVEL: 'warn', ...options.env },
		logFile: path.join(userFolder, 'n8n.log'),
	});
	const n8n = new TestN8n(handle, userFolder, keep);
	try {
		await n8n.setupOwner();
		// n8n 1.x activates workflows before it reports ready (runtime.js waits for that).
		if (options.workflows?.length && !installed.version.startsWith('1.')) {
			await n8n.waitForPublication(options.workflows.map(({ id }) => id));
		}
	} catch (error) {
		await n8n.stop();
		throw error;
	}
	return n8n;
}

/** `n8n export:nodes` of a fresh user folder with the package installed: every loaded node description. */
export async function exportNodes(): Promise<Array<{ name: string; displayName: string; credentials?: Array<{ name: string }> }>> {
	const { templateFolder } = await prepareRuntime();
	const installed = await runtime.ensureN8n();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-export-'));
	try {
		fs.cpSync(path.join(templateFolder, '.n8n'), path.join(userFolder, '.n8n'), { recursive: true });
		const file = path.join(userFolder, 'nodes.json');
		runtime.n8nCli(installed, ['export:nodes', `--output=${file}`], { userFolder });
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

/** Lists files in the packed tarball (for the "what ships" test). */
export function tarballFiles(): string[] {
	const tarball = process.env.CRM_WEBHOOKS_TARBALL;
	if (!tarball) throw new Error('prepareRuntime() has not packed the package yet');
	const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
	return listing.stdout.split('\n').filter(Boolean);
}
