import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { Json, TestN8n } from '../n8n/harness';
import { coreNode, pkgNode, startN8n, workflow } from '../n8n/harness';

/**
 * n8n's own SSRF protection reaches the Outbound Webhook node: with N8N_SSRF_PROTECTION_ENABLED the
 * node refuses loopback targets, in every spelling, although its Block Private Networks option is
 * off, and lets through what N8N_SSRF_ALLOWED_HOSTNAMES and N8N_SSRF_ALLOWED_IP_RANGES allow.
 */
jest.setTimeout(300_000);

interface Listener {
	port: number;
	paths: string[];
	connections: number;
	close: () => Promise<void>;
}

/** A receiver that counts TCP connections, so "refused" also means "never connected". */
async function listen(host: string): Promise<Listener> {
	const sockets = new Set<Socket>();
	const state = { paths: [] as string[], connections: 0 };
	const server = http.createServer((req, res) => {
		state.paths.push(req.url ?? '');
		req.resume();
		req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
	});
	server.on('connection', (socket: Socket) => {
		state.connections++;
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	return {
		port: (server.address() as AddressInfo).port,
		get paths() {
			return state.paths;
		},
		get connections() {
			return state.connections;
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

const ssrfWorkflow = workflow(
	'outboundSsrf',
	[
		coreNode('webhook', {
			name: 'Webhook',
			typeVersion: 2,
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: 'outbound-ssrf', options: {} },
		}),
		pkgNode('outboundWebhook', {
			name: 'Send',
			parameters: {
				method: 'POST',
				url: '={{ $json.body.url }}',
				content: 'fields',
				fields: { values: [{ name: 'event', value: 'ssrf.test' }] },
				retry: { maxAttempts: 1 },
				// Switched off on purpose: n8n's protection must keep it on.
				options: { blockPrivateNetworks: false, timeout: 10 },
			},
		}),
		// Connected, so undelivered items leave on Failed instead of failing the node.
		coreNode('noOp', { name: 'Failed sink', typeVersion: 1, parameters: {} }),
	],
	[
		['Webhook', 'Send'],
		['Send', 'Failed sink', 2],
	],
);

let n8n: TestN8n;
/** Dual-stack: a mapped or IPv4-compatible spelling that slipped through would connect here. */
let loopback: Listener;
/** On 127.0.0.2, the one address N8N_SSRF_ALLOWED_IP_RANGES lets through. */
let allowedByRange: Listener;
let executionCount = 0;

beforeAll(async () => {
	loopback = await listen('::');
	allowedByRange = await listen('127.0.0.2');
	n8n = await startN8n({
		workflows: [ssrfWorkflow],
		env: {
			N8N_SSRF_PROTECTION_ENABLED: 'true',
			N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost',
			N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.2/32',
		},
	});
});

afterAll(async () => {
	await n8n?.stop();
	await loopback?.close();
	await allowedByRange?.close();
});

/** Runs the workflow once for a URL; returns the output the item left on and the item. */
async function deliver(url: string): Promise<{ output: string; item?: Json; error?: string }> {
	const response = await fetch(n8n.webhookUrl('outbound-ssrf'), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ url }),
	});
	expect(response.status).toBe(200);
	executionCount++;
	const executions = await n8n.waitForExecutions(ssrfWorkflow.id, executionCount);
	const newest = executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
	const [run] = (await n8n.executionData(newest.id)).nodes.Send;
	if (run.error) return { output: 'node error', error: run.error };
	const index = run.outputs.findIndex((items) => items.length > 0);
	return { output: ['Delivered', 'Retry Later', 'Failed'][index] ?? 'none', item: run.outputs[index]?.[0] };
}

describe("n8n's SSRF protection and the Outbound Webhook node", () => {
	it.each([
		'http://127.0.0.1:PORT/direct',
		'http://[::127.0.0.1]:PORT/compatible',
		'http://[::ffff:127.0.0.1]:PORT/mapped',
		'http://[64:ff9b::7f00:1]:PORT/nat64',
	])('refuses %s without connecting, although Block Private Networks is off in the node', async (template) => {
		const result = await deliver(template.replace('PORT', String(loopback.port)));
		expect([result.output, result.error]).toEqual(['Failed', undefined]);
		expect(result.item?.error).toMatchObject({
			code: 'ERR_BLOCKED_ADDRESS',
			message: expect.stringMatching(/Block Private Networks refuses it.*N8N_SSRF_PROTECTION_ENABLED.*cannot be switched off in the node/),
		});
		expect(loopback.connections).toBe(0);
	});

	it('delivers to a host N8N_SSRF_ALLOWED_HOSTNAMES allows', async () => {
		const result = await deliver(`http://localhost:${loopback.port}/allowed-by-name`);
		expect([result.output, result.error]).toEqual(['Delivered', undefined]);
		expect(loopback.paths).toEqual(['/allowed-by-name']);
	});

	it('delivers to an address N8N_SSRF_ALLOWED_IP_RANGES allows', async () => {
		const result = await deliver(`http://127.0.0.2:${allowedByRange.port}/allowed-by-range`);
		expect([result.output, result.error]).toEqual(['Delivered', undefined]);
		expect(allowedByRange.paths).toEqual(['/allowed-by-range']);
	});
});
