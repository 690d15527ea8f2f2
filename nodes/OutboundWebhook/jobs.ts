import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ContentSpec, FieldEntry } from '../shared/outbound/content';
import { arrayBodyOf, arrayElement, buildBody, hasDeliveryRecord, inputOf } from '../shared/outbound/content';
import type { EncodedBody } from '../shared/outbound/encoders';
import { OutboundConfigError } from '../shared/outbound/errors';
import type { HeaderEntry } from '../shared/outbound/headers';
import { headerTemplateLines, mergeHeaders, parseHeaderLines, parseResolvedHeaderLines, validateHeaders } from '../shared/outbound/headers';
import type { AttemptRecord, DeliveryJob, InvalidJob, PreparedJob, ResumeState } from '../shared/outbound/runner';
import { compileTemplate } from '../shared/outbound/template';
import { redactText, redactUrl, validateUrl, withQueryPairs } from '../shared/outbound/url';
import type { BatchRequest } from './batches';
import { batchJobs } from './batches';
import type { OutboundConfig } from './config';
import { batchKey, hashKey, itemKey } from './idempotencyKeys';
import type { RunInputs } from './runInputs';
import { isDynamic, readRun, requestVaries } from './runInputs';

interface Resumed {
	key: string;
	resume: ResumeState;
}
export type { Resumed };

/** What a Retry Later item of this node carries back in. */
function resumeOf(json: IDataObject, nodeId: string): Resumed | undefined {
	if (!hasDeliveryRecord(json)) return undefined;
	const delivery = json.delivery as IDataObject;
	if (delivery.status !== 'retry_later' || delivery.node !== nodeId) return undefined;
	const attempts = (Array.isArray(delivery.attempts) ? delivery.attempts : []).filter(
		(attempt): attempt is AttemptRecord =>
			typeof attempt === 'object' && attempt !== null && typeof (attempt as AttemptRecord).number === 'number',
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

export interface RequestParts {
	url: URL;
	headers: HeaderEntry[];
}

/** The item's URL with its query parameters and the credential's, and its custom headers. */
function requestParts(run: RunInputs, itemIndex: number): RequestParts {
	const { read, settings } = run;
	const url = validateUrl(read<string>('url', itemIndex, ''), 'URL', run.secretQueryNames);
	const query = (read<IDataObject>('queryParameters', itemIndex, {}).parameters as FieldEntry[] | undefined) ?? [];
	const pairs: Array<[string, string]> = query.map(({ name, value }) => {
		if (String(name ?? '').trim() === '')
			throw new OutboundConfigError('Query Parameters', 'A query parameter has no name', 'Fill in the name or remove the row');
		return [String(name).trim(), value === undefined || value === null ? '' : String(value)];
	});
	withQueryPairs(url, pairs, settings.auth.query);
	const custom: HeaderEntry[] =
		settings.headerMode === 'lines'
			? headerLines(run, itemIndex)
			: ((read<IDataObject>('headers', itemIndex, {}).parameters as HeaderEntry[] | undefined) ?? []);
	return { url, headers: validateHeaders(custom) };
}

/**
 * Pasted lines with expressions are resolved one line of the template at a time: resolving the
 * whole text first would let a line break inside item data start a header of its own.
 */
function headerLines(run: RunInputs, itemIndex: number): HeaderEntry[] {
	const template = run.raw.headerLines;
	if (!isDynamic(template)) return parseHeaderLines(run.read<string>('headerLines', itemIndex, ''));
	const lines = headerTemplateLines(String(template).slice(1));
	return parseResolvedHeaderLines(
		lines.map((line) => (line.includes('{{') ? String(run.context.evaluateExpression(line, itemIndex) ?? '') : line)),
	);
}

function contentSpec(run: RunInputs, item: INodeExecutionData, itemIndex: number): ContentSpec {
	const { read, settings } = run;
	// A resumed item is sent as it first came in, so the retry carries the same body.
	const json = inputOf(item.json, settings.nodeId);
	switch (settings.contentMode) {
		case 'fields':
			return { mode: 'fields', fields: (read<IDataObject>('fields', itemIndex, {}).values as FieldEntry[] | undefined) ?? [] };
		case 'template': {
			const source = read<string>('template', itemIndex, '');
			let template = run.templates.get(source);
			if (!template) {
				template = compileTemplate(source, settings.encoding);
				run.templates.set(source, template);
			}
			return { mode: 'template', template, json, missing: settings.missingTags };
		}
		case 'wholeItem':
			return { mode: 'wholeItem', json };
		default:
			return { mode: 'none' };
	}
}

/** The item's URL as far as it can be read, redacted like a sent one; the raw parameter if even that fails. */
function shownUrl(run: RunInputs, itemIndex: number): string {
	try {
		return redactUrl(String(run.read<string>('url', itemIndex, '')).trim(), run.secretQueryNames);
	} catch {
		return redactText(String(run.raw.url ?? ''), run.secretQueryNames);
	}
}

function deliveryJob(
	run: RunInputs,
	itemIndexes: number[],
	parts: RequestParts,
	key: string,
	body: EncodedBody | undefined,
	resume?: ResumeState,
): DeliveryJob {
	const { settings } = run;
	return {
		itemIndexes,
		method: run.method,
		url: parts.url,
		redactedUrl: redactUrl(parts.url, run.secretQueryNames),
		headers: mergeHeaders(parts.headers, settings.auth.headers, settings.idempotencyHeader ? { [settings.idempotencyHeader]: key } : {}),
		build: () => body,
		signing: settings.signing,
		idempotencyKey: key,
		secretQueryNames: run.secretQueryNames,
		resume,
	};
}

/** Builds the jobs of one run; made once per run, as it reads what all items share once. */
export interface JobFactory {
	/** One request for one item. Throws when the item's parameters or data are invalid. */
	single(item: INodeExecutionData, itemIndex: number): DeliveryJob;
	/**
	 * One JSON Array request for several items; `resumed` when they come back from one Retry Later request;
	 * `request` when the items' request was resolved already; `elements` when their contents were built already
	 * (see `element`). Throws like `single`.
	 */
	batch(items: INodeExecutionData[], itemIndexes: number[], resumed?: Resumed, request?: BatchRequest, elements?: unknown[]): DeliveryJob;
	/** The item's element of a JSON Array request. Throws when this item's data cannot fill it. */
	element(item: INodeExecutionData, itemIndex: number): unknown;
	/** Whether items may resolve to different requests; when not, one request per group is resolved once. */
	readonly requestVaries: boolean;
	/** The item's own URL and custom headers. Throws when they cannot be resolved. */
	request(itemIndex: number): RequestParts;
	/** What the item carries back from a Retry Later request of this node. */
	resumed(item: INodeExecutionData): Resumed | undefined;
	/** Items that fail without sending, with the reason. */
	invalid(itemIndexes: number[], error: OutboundConfigError): InvalidJob;
}

export function createJobFactory(context: IExecuteFunctions, settings: OutboundConfig): JobFactory {
	const run = readRun(context, settings);
	// JSON Array requests' keys so far: a request whose key another one has is given one derived from it.
	const batchKeys = new Set<string>();
	return {
		single: (item, itemIndex) => {
			const parts = requestParts(run, itemIndex);
			const resumed = resumeOf(item.json, settings.nodeId);
			const key = resumed?.key ?? itemKey(run, itemIndex, parts.headers);
			const body = settings.hasBody ? buildBody(contentSpec(run, item, itemIndex), settings.encoding, settings.encodeOptions) : undefined;
			return deliveryJob(run, [itemIndex], parts, key, body, resumed?.resume);
		},
		batch: (items, itemIndexes, resumed, request, elements) => {
			const parts = request?.parts ?? requestParts(run, itemIndexes[0]);
			const body = arrayBodyOf(elements ?? itemIndexes.map((index) => arrayElement(contentSpec(run, items[index], index))));
			const groupKey = resumed?.key ?? batchKey(run, itemIndexes, parts.headers);
			// Further requests of a split group get keys of their own: under one key a receiver would drop all but one.
			// A key of their own already (an Idempotency-Key header per item) is kept, whatever the request's position.
			const key = batchKeys.has(groupKey) ? hashKey(`${groupKey}:${request?.index ?? 0}`) : groupKey;
			batchKeys.add(key);
			return deliveryJob(run, itemIndexes, parts, key, body, resumed?.resume);
		},
		element: (item, itemIndex) => arrayElement(contentSpec(run, item, itemIndex)),
		requestVaries: requestVaries(run),
		request: (itemIndex) => requestParts(run, itemIndex),
		resumed: (item) => resumeOf(item.json, settings.nodeId),
		invalid: (itemIndexes, error) => ({
			kind: 'invalid',
			itemIndexes,
			method: run.method,
			redactedUrl: shownUrl(run, itemIndexes[0]),
			error,
		}),
	};
}

/** Turns input items into delivery jobs; a per-item problem becomes an invalid job, which fails without sending. */
export function prepareJobs(
	context: IExecuteFunctions,
	settings: OutboundConfig,
	items: INodeExecutionData[],
	onItemError: (error: OutboundConfigError, itemIndex: number) => void,
): PreparedJob[] {
	const factory = createJobFactory(context, settings);
	const prepare = (itemIndexes: number[], build: () => DeliveryJob): PreparedJob => {
		try {
			return build();
		} catch (error) {
			// An expression error is as much a reason to stop before sending as a bad setting.
			const problem = error instanceof OutboundConfigError ? error : new OutboundConfigError('Parameters', (error as Error).message);
			onItemError(problem, itemIndexes[0]);
			return factory.invalid(itemIndexes, problem);
		}
	};
	if (settings.encoding === 'jsonArray' && settings.hasBody) return batchJobs(items, factory, prepare);
	return items.map((item, itemIndex) => prepare([itemIndex], () => factory.single(item, itemIndex)));
}
