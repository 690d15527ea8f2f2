import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { ContentSpec, FieldEntry } from '../shared/outbound/content';
import { buildArrayBody, buildBody, hasDeliveryRecord } from '../shared/outbound/content';
import type { EncodedBody } from '../shared/outbound/encoders';
import { OutboundConfigError } from '../shared/outbound/errors';
import type { HeaderEntry } from '../shared/outbound/headers';
import { headerTemplateLines, mergeHeaders, parseHeaderLines, parseResolvedHeaderLines, validateHeaders } from '../shared/outbound/headers';
import type { AttemptRecord, DeliveryJob, ResumeState } from '../shared/outbound/runner';
import type { CompiledTemplate } from '../shared/outbound/template';
import { compileTemplate } from '../shared/outbound/template';
import { redactText, redactUrl, validateUrl } from '../shared/outbound/url';
import type { NodeSettings } from './settings';

const MAX_KEY_LENGTH = 255;

/** True when a parameter (or anything inside it) is an expression, so it must be read per item. */
function isDynamic(value: unknown): boolean {
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

const hashKey = (text: string) => `msg_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;

/** What a Retry Later item of this node carries back in. */
function resumeOf(json: IDataObject, nodeId: string): { key: string; resume: ResumeState } | undefined {
	if (!hasDeliveryRecord(json)) return undefined;
	const delivery = json.delivery as IDataObject;
	if (delivery.status !== 'retry_later' || delivery.node !== nodeId) return undefined;
	const attempts = (Array.isArray(delivery.attempts) ? delivery.attempts : []).filter(
		(attempt): attempt is AttemptRecord => typeof attempt === 'object' && attempt !== null && typeof (attempt as AttemptRecord).number === 'number',
	);
	return {
		key: delivery.idempotencyKey as string,
		resume: {
			attempts,
			firstAttemptAt: typeof delivery.firstAttemptAt === 'string' ? delivery.firstAttemptAt : undefined,
			nextAttemptAt: typeof delivery.nextAttemptAt === 'string' ? delivery.nextAttemptAt : undefined,
			earlyReturns: typeof delivery.earlyReturns === 'number' ? delivery.earlyReturns : 0,
		},
	};
}

function checkKey(raw: unknown): string {
	const key = raw === undefined || raw === null ? '' : String(raw).trim();
	const field = 'Options › Idempotency Key';
	if (key === '') throw new OutboundConfigError(field, 'The idempotency key is empty for this item', 'Check the expression, or clear the option to derive the key from the execution');
	if (key.length > MAX_KEY_LENGTH) throw new OutboundConfigError(field, `The idempotency key is longer than ${MAX_KEY_LENGTH} characters`, 'Use a shorter ID');
	validateHeaders([{ name: 'Idempotency-Key', value: key }], field);
	return key;
}

/** Turns input items into delivery jobs; a per-item problem becomes a job that fails without sending. */
export function prepareJobs(
	context: IExecuteFunctions,
	settings: NodeSettings,
	items: INodeExecutionData[],
	onItemError: (error: OutboundConfigError, itemIndex: number) => void,
): DeliveryJob[] {
	// Read once: n8n's getNode() deep-copies the node.
	const raw = context.getNode().parameters as INodeParameters;
	const read = parameterReader(context, raw);
	const secretQueryNames = Object.keys(settings.auth.query);
	const executionId = context.getExecutionId() ?? `local-${Date.now()}`;
	const runIndex = context.getWorkflowDataProxy(0).$runIndex ?? 0;
	const templates = new Map<string, CompiledTemplate>();
	const method = String(context.getNodeParameter('method', 0, 'POST')).toUpperCase();

	const request = (itemIndex: number) => {
		const url = validateUrl(read<string>('url', itemIndex, ''), 'URL', secretQueryNames);
		const query = (read<IDataObject>('queryParameters', itemIndex, {}).parameters as FieldEntry[] | undefined) ?? [];
		for (const { name, value } of query) {
			if (String(name ?? '').trim() === '') throw new OutboundConfigError('Query Parameters', 'A query parameter has no name', 'Fill in the name or remove the row');
			url.searchParams.append(String(name).trim(), value === undefined || value === null ? '' : String(value));
		}
		for (const [name, value] of Object.entries(settings.auth.query)) url.searchParams.set(name, value);
		const custom: HeaderEntry[] =
			settings.headerMode === 'lines'
				? headerLines(itemIndex)
				: ((read<IDataObject>('headers', itemIndex, {}).parameters as HeaderEntry[] | undefined) ?? []);
		return { url, headers: validateHeaders(custom) };
	};

	/**
	 * Pasted lines with expressions are resolved one line of the template at a time: resolving the
	 * whole text first would let a line break inside item data start a header of its own.
	 */
	const headerLines = (itemIndex: number): HeaderEntry[] => {
		const template = raw.headerLines;
		if (!isDynamic(template)) return parseHeaderLines(read<string>('headerLines', itemIndex, ''));
		const lines = headerTemplateLines(String(template).slice(1));
		return parseResolvedHeaderLines(lines.map((line) => (line.includes('{{') ? String(context.evaluateExpression(line, itemIndex) ?? '') : line)));
	};

	const content = (item: INodeExecutionData, itemIndex: number): ContentSpec => {
		switch (settings.contentMode) {
			case 'fields':
				return { mode: 'fields', fields: (read<IDataObject>('fields', itemIndex, {}).values as FieldEntry[] | undefined) ?? [] };
			case 'template': {
				const source = read<string>('template', itemIndex, '');
				let template = templates.get(source);
				if (!template) {
					template = compileTemplate(source, settings.encoding);
					templates.set(source, template);
				}
				return { mode: 'template', template, json: item.json, missing: settings.missingTags };
			}
			case 'wholeItem':
				return { mode: 'wholeItem', json: item.json };
			default:
				return { mode: 'none' };
		}
	};

	const customKey = (itemIndex: number) => read<string>('options.idempotencyKey', itemIndex, '');
	const keyFor = (itemIndex: number) => {
		const custom = customKey(itemIndex);
		return custom === '' ? hashKey(`${executionId}:${settings.nodeId}:${runIndex}:${itemIndex}`) : checkKey(custom);
	};
	/** One key for a JSON Array request: the shared custom key, a hash of the items' keys, or one derived from the run. */
	const batchKey = (indexes: number[]) => {
		const custom = indexes.map(customKey);
		if (custom.every((key) => key === '')) return hashKey(`${executionId}:${settings.nodeId}:${runIndex}:batch`);
		const keys = custom.map(checkKey);
		return keys.every((key) => key === keys[0]) ? keys[0] : hashKey(keys.join('\n'));
	};

	const job = (itemIndexes: number[], parts: ReturnType<typeof request>, key: string, body: EncodedBody | undefined, resume?: ResumeState): DeliveryJob => ({
		itemIndexes,
		method,
		url: parts.url,
		redactedUrl: redactUrl(parts.url, Object.keys(settings.auth.query)),
		headers: mergeHeaders(parts.headers, settings.auth.headers, settings.idempotencyHeader ? { [settings.idempotencyHeader]: key } : {}),
		build: () => body,
		signing: settings.signing,
		idempotencyKey: key,
		sensitiveHeaders: settings.sensitiveHeaders,
		secretQueryNames,
		resume,
	});

	/** The item's URL as far as it can be read, redacted like a sent one; the raw parameter if even that fails. */
	const shownUrl = (itemIndex: number) => {
		try {
			return redactUrl(String(read<string>('url', itemIndex, '')).trim(), secretQueryNames);
		} catch {
			return redactText(String(raw.url ?? ''), secretQueryNames);
		}
	};

	const failing = (itemIndexes: number[], error: OutboundConfigError): DeliveryJob => ({
		itemIndexes,
		method,
		url: new URL('http://invalid.invalid/'),
		redactedUrl: shownUrl(itemIndexes[0]),
		headers: {},
		build: () => {
			throw error;
		},
		idempotencyKey: '',
	});

	const attempt = <T>(itemIndexes: number[], fn: () => T): T | DeliveryJob => {
		try {
			return fn();
		} catch (error) {
			// An expression error is as much a reason to stop before sending as a bad setting.
			const problem = error instanceof OutboundConfigError ? error : new OutboundConfigError('Parameters', (error as Error).message);
			onItemError(problem, itemIndexes[0]);
			return failing(itemIndexes, problem);
		}
	};

	if (settings.encoding === 'jsonArray' && settings.hasBody) {
		// Items back from one Retry Later request go out together again with its key and attempts;
		// fresh items get a request (and key) of their own.
		const resumed = items.map((item) => resumeOf(item.json, settings.nodeId));
		const groups = new Map<string | undefined, number[]>();
		for (const [index, entry] of resumed.entries()) {
			const group = groups.get(entry?.key);
			if (group) group.push(index);
			else groups.set(entry?.key, [index]);
		}
		return [...groups].map(
			([resumeKey, indexes]) =>
				attempt(indexes, () => {
					const parts = request(indexes[0]);
					const loop = resumeKey === undefined ? undefined : resumed[indexes[0]];
					const body = buildArrayBody(indexes.map((index) => content(items[index], index)));
					return job(indexes, parts, loop?.key ?? batchKey(indexes), body, loop?.resume);
				}) as DeliveryJob,
		);
	}

	return items.map((item, itemIndex) =>
		attempt([itemIndex], () => {
			const parts = request(itemIndex);
			const resumed = resumeOf(item.json, settings.nodeId);
			const key = resumed?.key ?? keyFor(itemIndex);
			const body = settings.hasBody ? buildBody(content(item, itemIndex), settings.encoding, settings.encodeOptions) : undefined;
			return job([itemIndex], parts, key, body, resumed?.resume);
		}) as DeliveryJob,
	);
}
