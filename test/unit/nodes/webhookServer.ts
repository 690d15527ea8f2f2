/**
 * Runs a trigger's webhook() behind a real node:http server in n8n-core's real webhook context: n8n's
 * own parameter resolution (defaults filled in, hidden parameters absent), credential checks (the
 * type must be declared and shown for the parameters) and static data. The test supplies only the
 * decrypted credentials and a logger that records lines; n8n's server is left out (the e2e tests
 * cover it).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	INode,
	INodeType,
	INodeTypes,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

// n8n-core keeps an instance key in its user folder: keep it out of the developer's ~/.n8n.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'crm-webhooks-n8n-core');

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

type WebhookNode = INodeType & { webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> };

/** Each server is its own node, so process-wide state keyed by node (the dedupe store) never leaks between tests. */
let servers = 0;

/** A one-node workflow as n8n builds it from the stored JSON: the static data under `node:<name>`. */
function workflowOf(nodeType: WebhookNode, setup: WebhookSetup, staticData: Record<string, unknown>) {
	const id = ++servers;
	const node: INode = {
		id: `node-${id}`,
		name: 'Trigger',
		type: `n8n-nodes-crm-webhooks.${nodeType.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: setup.parameters as INode['parameters'],
		// Each server's credentials are credentials of their own, as n8n's ids would say.
		credentials: Object.fromEntries(Object.keys(setup.credentials ?? {}).map((type) => [type, { id: `${type}-${id}`, name: type }])),
	};
	const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const workflow = new Workflow({
		id: 'workflow-1',
		name: 'Test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: { [`node:${node.name}`]: staticData },
	});
	return { workflow, node: workflow.getNode(node.name) as INode };
}

function additionalDataFor(setup: WebhookSetup, logs: LogEntry[]) {
	const getDecrypted = async (_data: unknown, _nodeCredentials: unknown, type: string) => {
		const data = setup.credentials?.[type];
		if (!data) throw new Error(`No credential of type ${type}`);
		return data as ICredentialDataDecryptedObject;
	};
	const log = (level: string) => (message: string, meta?: Record<string, unknown>) => logs.push({ level, message, meta });
	const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
	const data = {
		executionId: undefined,
		credentialsHelper: { getDecrypted },
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		variables: {},
	};
	return { data: data as unknown as IWorkflowExecuteAdditionalData, logger };
}

export async function serveWebhook(node: WebhookNode, setup: WebhookSetup): Promise<WebhookServer> {
	const results: IWebhookResponseData[] = [];
	const logs: LogEntry[] = [];
	const staticData = setup.staticData ?? {};
	const { workflow, node: workflowNode } = workflowOf(node, setup, staticData);
	const { data: additionalData, logger } = additionalDataFor(setup, logs);
	const webhookData = {
		webhookDescription: { name: 'default', httpMethod: 'POST', path: '' },
		node: workflowNode.name,
		workflowId: 'workflow-1',
	} as unknown as IWebhookData;
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		// Express, in front of every n8n webhook, puts the parsed query string on the request.
		Object.assign(req, { query: Object.fromEntries(url.searchParams) });
		const context = new WebhookContext(
			workflow,
			workflowNode,
			{ ...additionalData, httpRequest: req, httpResponse: res } as unknown as IWorkflowExecuteAdditionalData,
			setup.mode ?? 'webhook',
			webhookData,
			[],
			null,
		);
		Object.defineProperty(context, 'logger', { value: logger });
		node.webhook
			.call(context as unknown as IWebhookFunctions)
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

/** A `serve` for one test file: each server it starts is closed after the file's tests. */
export function webhookServers(node: WebhookNode): (setup: WebhookSetup) => Promise<WebhookServer> {
	const servers: WebhookServer[] = [];
	afterAll(async () => await Promise.all(servers.map(async (server) => await server.close())));
	return async (setup) => {
		const server = await serveWebhook(node, setup);
		servers.push(server);
		return server;
	};
}
