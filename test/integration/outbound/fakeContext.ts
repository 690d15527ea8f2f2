/**
 * The smallest IExecuteFunctions the Outbound Webhook node needs, for driving execute() against a
 * real receiver. Parameters given as functions act like expressions: they are evaluated per item
 * and marked with a leading "=" in the raw node parameters, as n8n stores expressions. Strings
 * starting with "=" are expressions too, kept as written, with `{{ $json.path }}` as the only syntax.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

type ParamValue = unknown | ((itemIndex: number) => unknown);

export interface FakeOptions {
	credentials?: Record<string, Record<string, unknown>>;
	continueOnFail?: boolean;
	executionId?: string;
	runIndex?: number;
	nodeId?: string;
	/** n8n's execution mode; 'manual' is the editor's Execute step. */
	mode?: string;
	/** Outputs with a node connected, as n8n reports them; left out, the context does not say (an older n8n). */
	connectedOutputs?: number[];
}

export interface LogLine {
	level: string;
	message: string;
	meta?: unknown;
}

const at = (source: unknown, path: string) =>
	path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], source);

function rawParameters(value: unknown): unknown {
	if (typeof value === 'function') return '={{ expression }}';
	if (Array.isArray(value)) return value.map(rawParameters);
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, rawParameters(child)]));
	return value;
}

/** n8n's template resolution, reduced to `{{ $json.path }}`: enough to see where item data lands. */
function resolveTemplate(template: string, item: INodeExecutionData | undefined): string {
	const resolved = template.replace(/\{\{\s*\$json\.([\w.]+)\s*\}\}/g, (_, path: string) => String(at(item?.json, path) ?? ''));
	if (resolved.includes('{{')) throw new Error(`The fake context cannot evaluate "${template}"`);
	return resolved;
}

function evaluate(value: unknown, itemIndex: number, items: INodeExecutionData[]): unknown {
	if (typeof value === 'function') return (value as (index: number) => unknown)(itemIndex);
	if (typeof value === 'string' && value.startsWith('=')) return resolveTemplate(value.slice(1), items[itemIndex]);
	if (Array.isArray(value)) return value.map((child) => evaluate(child, itemIndex, items));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, evaluate(child, itemIndex, items)]));
	return value;
}

/** n8n-core's getChildNodes and getConnections for a node with one child per connected output. */
function connectionsOf(nodeName: string, outputs: number[]) {
	const child = (output: number) => `Child of output ${output}`;
	return {
		getChildNodes: () => outputs.map((output) => ({ name: child(output), type: 'n8n-nodes-base.noOp', typeVersion: 1, disabled: false })),
		getConnections: (destination: { name: string }) =>
			outputs.filter((output) => child(output) === destination.name).map((output) => [{ node: nodeName, type: 'main', index: output }]),
	};
}

export function fakeContext(parameters: Record<string, ParamValue>, items: INodeExecutionData[], options: FakeOptions = {}) {
	const logs: LogLine[] = [];
	const hints: Array<{ message: string; type?: string }> = [];
	const log = (level: string) => (message: string, meta?: unknown) => logs.push({ level, message, meta });
	const node = {
		id: options.nodeId ?? 'node-1',
		name: 'Outbound Webhook',
		type: 'n8n-nodes-crm-webhooks.outboundWebhook',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: rawParameters(parameters) as Record<string, never>,
	};
	const context = {
		getInputData: () => items,
		getNode: () => node,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = evaluate(at(parameters, name), itemIndex, items);
			return value === undefined ? fallback : value;
		},
		// Like n8n's, without the leading "=".
		evaluateExpression: (expression: string, itemIndex: number) => resolveTemplate(expression, items[itemIndex]),
		getCredentials: async (type: string) => {
			const data = options.credentials?.[type];
			if (!data) throw new Error(`No credential of type ${type}`);
			return data;
		},
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionId: () => options.executionId ?? 'exec-1',
		getWorkflowDataProxy: () => ({ $runIndex: options.runIndex ?? 0 }),
		getExecutionCancelSignal: () => undefined,
		getMode: () => options.mode ?? 'trigger',
		addExecutionHints: (...added: Array<{ message: string; type?: string }>) => hints.push(...added),
		...(options.connectedOutputs ? connectionsOf(node.name, options.connectedOutputs) : {}),
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
	};
	return { context: context as unknown as IExecuteFunctions, logs, hints };
}
