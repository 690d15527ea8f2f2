/**
 * Runs a trigger's webhook() behind a real node:http server, with the parts of n8n's webhook context a
 * trigger uses (parameters, credentials, static data, logger). Requests and responses are real HTTP;
 * only n8n itself is left out (the e2e tests cover it).
 */
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookSetup {
	parameters: Record<string, unknown>;
	/** Credential type → decrypted data. */
	credentials?: Record<string, Record<string, unknown>>;
	staticData?: Record<string, unknown>;
	mode?: 'webhook' | 'manual';
	/** The status n8n sends with the node's Immediately answer (its webhook description's responseCode). */
	responseCode?: number;
}

export interface LogEntry {
	level: string;
	message: string;
	meta?: Record<string, unknown>;
}

export interface WebhookServer {
	url: string;
	/** What webhook() returned, one entry per request. */
	results: IWebhookResponseData[];
	logs: LogEntry[];
	staticData: Record<string, unknown>;
	close(): Promise<void>;
}

type WebhookNode = { webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> };

/** Each server is its own node, so process-wide state keyed by node (the dedupe store) never leaks between tests. */
let servers = 0;

export async function serveWebhook(node: WebhookNode, setup: WebhookSetup): Promise<WebhookServer> {
	const results: IWebhookResponseData[] = [];
	const logs: LogEntry[] = [];
	const staticData = setup.staticData ?? {};
	const nodeId = `node-${++servers}`;
	const log = (level: string) => (message: string, meta?: Record<string, unknown>) => logs.push({ level, message, meta });
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const query = Object.fromEntries(url.searchParams);
		// Express, in front of every n8n webhook, puts the parsed query string on the request.
		Object.assign(req, { query });
		const context = {
			getRequestObject: () => req,
			getResponseObject: () => res,
			getQueryData: () => query,
			getNodeParameter: (name: string, fallback?: unknown) => {
				const value = name in setup.parameters ? setup.parameters[name] : fallback;
				// As n8n does for a parameter that is absent (hidden) when no fallback is given.
				if (value === undefined) throw new Error(`Could not get parameter ${name}`);
				return value;
			},
			getCredentials: async (type: string) => {
				const data = setup.credentials?.[type];
				if (!data) throw new Error(`No credential of type ${type}`);
				return data;
			},
			getWorkflowStaticData: () => staticData,
			getNode: () => ({ id: nodeId, name: 'Trigger', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }),
			getWorkflow: () => ({ id: 'workflow-1', name: 'Test', active: true }),
			getMode: () => setup.mode ?? 'webhook',
			logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
		} as unknown as IWebhookFunctions;
		node.webhook
			.call(context)
			.then((result) => {
				results.push(result);
				if (!res.headersSent && !result.noWebhookResponse && result.workflowData && result.webhookResponse !== undefined) {
					// As n8n answers an Immediately webhook once it has recorded the execution: the
					// description's status, the node's body, after the headers the node set.
					res.statusCode = setup.responseCode ?? 200;
					res.end(String(result.webhookResponse));
					return;
				}
				if (!res.writableEnded) {
					res.statusCode = result.noWebhookResponse ? 500 : 200;
					res.end(result.noWebhookResponse ? 'webhook() answered nothing' : '');
				}
			})
			.catch((error: Error) => {
				logs.push({ level: 'thrown', message: error.message });
				// A node may answer first and throw after, as a refused test request does.
				if (res.writableEnded) return;
				res.statusCode = 599;
				res.end(error.message);
			});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		results,
		logs,
		staticData,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
