/** What every delivery job of one run shares, read once per run, and a reader for item parameters. */
import type { IDataObject, IExecuteFunctions, INodeParameters } from 'n8n-workflow';

import type { CompiledTemplate } from '../shared/outbound/template';
import type { OutboundConfig } from './config';

/** True when a parameter (or anything inside it) is an expression, so it must be read per item. */
export function isDynamic(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(isDynamic);
	if (value && typeof value === 'object') return Object.values(value).some(isDynamic);
	return false;
}

/**
 * Reads item parameters, but only once when they hold no expression: with thousands of items,
 * re-reading constant parameters for each one would cost more than the requests.
 */
function parameterReader(context: IExecuteFunctions, raw: INodeParameters) {
	const constant = new Map<string, unknown>();
	return <T>(name: string, itemIndex: number, fallback: T): T => {
		const value = name.split('.').reduce<unknown>((node, key) => (node as IDataObject | undefined)?.[key], raw);
		if (isDynamic(value)) return context.getNodeParameter(name, itemIndex, fallback as never) as T;
		if (!constant.has(name)) constant.set(name, context.getNodeParameter(name, 0, fallback as never));
		return constant.get(name) as T;
	};
}

/** What every job of one run shares, read once per run. */
export interface RunInputs {
	context: IExecuteFunctions;
	settings: OutboundConfig;
	/** Read once: n8n's getNode() deep-copies the node. */
	raw: INodeParameters;
	read: ReturnType<typeof parameterReader>;
	secretQueryNames: string[];
	method: string;
	/** Execution, node and run: what keys derived from the run are made of. */
	runId: string;
	templates: Map<string, CompiledTemplate>;
}

export function readRun(context: IExecuteFunctions, settings: OutboundConfig): RunInputs {
	const raw = context.getNode().parameters as INodeParameters;
	const executionId = context.getExecutionId() ?? `local-${Date.now()}`;
	const runIndex = context.getWorkflowDataProxy(0).$runIndex ?? 0;
	return {
		context,
		settings,
		raw,
		read: parameterReader(context, raw),
		secretQueryNames: Object.keys(settings.auth.query),
		method: String(context.getNodeParameter('method', 0, 'POST')).toUpperCase(),
		runId: `${executionId}:${settings.nodeId}:${runIndex}`,
		templates: new Map(),
	};
}

/** True when the URL, query or custom headers hold an expression, so items may resolve to different requests. */
export function requestVaries(run: RunInputs): boolean {
	const { raw, settings } = run;
	const headers = settings.headerMode === 'lines' ? raw.headerLines : raw.headers;
	return [raw.url, raw.queryParameters, headers].some(isDynamic);
}
