/**
 * n8n-core's real execute context for the Outbound Webhook node, so execute() runs against a real
 * receiver with n8n's own parameter resolution, expression evaluation, credential checks (the type
 * must be declared and shown for the node's parameters), connections and hints. Only two things are
 * supplied by the test: the decrypted credentials (no database) and a logger that records lines.
 *
 * Parameters given as functions are evaluated per item: n8n stores them as expressions (a leading
 * "=" in the raw parameters) whose value the function supplies. Strings starting with "=" are real
 * n8n expressions.
 */
import os from 'node:os';
import path from 'node:path';

import { Container } from '@n8n/di';
import { ExecuteContext } from 'n8n-core';
// Not re-exported by n8n-core's index; the execute context creates it on first use.
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';

// n8n-core keeps an instance key in its user folder: keep it out of the developer's ~/.n8n.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'crm-webhooks-n8n-core');

/**
 * The SSH client manager starts a one-minute cleanup interval that n8n stops only at shutdown; stop it
 * after each test file so Jest can exit (and at the end of a benchmark, which uses this context too).
 */
export function stopCoreTimers() {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
}
if (typeof afterAll === 'function') afterAll(stopCoreTimers);

type ParamValue = unknown | ((itemIndex: number) => unknown);

export interface FakeOptions {
	credentials?: Record<string, Record<string, unknown>>;
	continueOnFail?: boolean;
	executionId?: string;
	runIndex?: number;
	nodeId?: string;
	/** n8n's execution mode; 'manual' is the editor's Execute step. */
	mode?: WorkflowExecuteMode;
	/** Outputs with a node connected to them; every output when left out. */
	connectedOutputs?: number[];
	/** The workflow's static data, as n8n would load it from the database; a new empty one when left out. */
	staticData?: IDataObject;
	/** The workflow's Timezone setting; n8n's default (the instance's) when left out. */
	timezone?: string;
}

export interface LogLine {
	level: string;
	message: string;
	meta?: unknown;
}

const NODE_TYPE = 'n8n-nodes-crm-webhooks.outboundWebhook';
const NO_OP: INodeType = {
	description: {
		displayName: 'No Operation',
		name: 'noOp',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: {},
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
} as unknown as INodeType;
const FUNCTION_MARK = /^__item_function_(\d+)__$/;

/** Functions become expressions whose resolved value names the function; `substitute` calls it per item. */
function storedParameters(value: unknown, functions: Array<(itemIndex: number) => unknown>): unknown {
	if (typeof value === 'function') {
		functions.push(value as (itemIndex: number) => unknown);
		return `={{ "__item_function_${functions.length - 1}__" }}`;
	}
	if (Array.isArray(value)) return value.map((child) => storedParameters(child, functions));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, storedParameters(child, functions)]));
	return value;
}

function substitute(value: unknown, itemIndex: number, functions: Array<(itemIndex: number) => unknown>): unknown {
	const mark = typeof value === 'string' ? FUNCTION_MARK.exec(value) : null;
	if (mark) return functions[Number(mark[1])](itemIndex);
	if (Array.isArray(value)) return value.map((child) => substitute(child, itemIndex, functions));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, substitute(child, itemIndex, functions)]));
	return value;
}

/** A workflow of the node and one No Operation child per connected output, as the editor would wire it. */
function workflowWith(node: INode, options: FakeOptions): Workflow {
	const connectedOutputs = options.connectedOutputs ?? [0, 1, 2];
	const nodeType = new OutboundWebhook();
	const nodeTypes = {
		getByName: (type: string) => (type === NODE_TYPE ? nodeType : NO_OP),
		getByNameAndVersion: (type: string) => (type === NODE_TYPE ? nodeType : NO_OP),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const children = connectedOutputs.map((output, index) => ({
		id: `child-${output}`,
		name: `Child of output ${output}`,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [300, index * 100] as [number, number],
		parameters: {},
	}));
	const main = [0, 1, 2].map((output) =>
		connectedOutputs.includes(output) ? [{ node: `Child of output ${output}`, type: 'main' as const, index: 0 }] : [],
	);
	return new Workflow({
		id: 'workflow-1',
		nodes: [node, ...children],
		connections: { [node.name]: { main } },
		active: false,
		nodeTypes,
		settings: options.timezone ? { timezone: options.timezone } : {},
		staticData: options.staticData,
	});
}

function additionalDataFor(options: FakeOptions): IWorkflowExecuteAdditionalData {
	const getDecrypted = async (_data: unknown, _nodeCredentials: unknown, type: string) => {
		const data = options.credentials?.[type];
		if (!data) throw new Error(`No credential of type ${type}`);
		return data as ICredentialDataDecryptedObject;
	};
	return {
		executionId: options.executionId ?? 'exec-1',
		credentialsHelper: { getDecrypted },
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export function fakeContext(parameters: Record<string, ParamValue>, items: INodeExecutionData[], options: FakeOptions = {}) {
	const logs: LogLine[] = [];
	const functions: Array<(itemIndex: number) => unknown> = [];
	const node: INode = {
		id: options.nodeId ?? 'node-1',
		name: 'Outbound Webhook',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: storedParameters(parameters, functions) as INode['parameters'],
		credentials: Object.fromEntries(Object.keys(options.credentials ?? {}).map((type) => [type, { id: type, name: type }])),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const workflow = workflowWith(node, options);
	const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	const executeData: IExecuteData = { node, data: { main: [items] }, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataFor(options),
		options.mode ?? 'trigger',
		runExecutionData,
		options.runIndex ?? 0,
		items,
		{ main: [items] },
		executeData,
		[],
		new AbortController().signal,
	);
	const resolve = context.getNodeParameter.bind(context) as (...args: unknown[]) => unknown;
	Object.assign(context, {
		getNodeParameter: (name: string, itemIndex: number, ...rest: unknown[]) =>
			substitute(resolve(name, itemIndex, ...rest), itemIndex, functions),
	});
	const log = (level: string) => (message: string, meta?: unknown) => logs.push({ level, message, meta });
	Object.defineProperty(context, 'logger', { value: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } });
	return { context: context as IExecuteFunctions, logs, hints: context.hints };
}
