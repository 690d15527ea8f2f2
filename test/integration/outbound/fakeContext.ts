/**
 * The smallest IExecuteFunctions the Outbound Webhook node needs, for driving execute() against a
 * real receiver. Parameters given as functions act like expressions: they are evaluated per item
 * and marked with a leading "=" in the raw node parameters, as n8n stores expressions.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

type ParamValue = unknown | ((itemIndex: number) => unknown);

export interface FakeOptions {
	credentials?: Record<string, Record<string, unknown>>;
	continueOnFail?: boolean;
	executionId?: string;
	runIndex?: number;
	nodeId?: string;
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

function evaluate(value: unknown, itemIndex: number): unknown {
	if (typeof value === 'function') return (value as (index: number) => unknown)(itemIndex);
	if (Array.isArray(value)) return value.map((child) => evaluate(child, itemIndex));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, evaluate(child, itemIndex)]));
	return value;
}

export function fakeContext(parameters: Record<string, ParamValue>, items: INodeExecutionData[], options: FakeOptions = {}) {
	const logs: LogLine[] = [];
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
			const value = evaluate(at(parameters, name), itemIndex);
			return value === undefined ? fallback : value;
		},
		getCredentials: async (type: string) => {
			const data = options.credentials?.[type];
			if (!data) throw new Error(`No credential of type ${type}`);
			return data;
		},
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionId: () => options.executionId ?? 'exec-1',
		getWorkflowDataProxy: () => ({ $runIndex: options.runIndex ?? 0 }),
		getExecutionCancelSignal: () => undefined,
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
	};
	return { context: context as unknown as IExecuteFunctions, logs };
}
