import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { inputOf, retryLaterJson, withoutOwnKeys } from '../shared/outbound/content';
import { failedWithoutRetryLoop } from '../shared/outbound/deliveryRecord';
import type { DeliveryResult, DeliveryStatus, PreparedJob } from '../shared/outbound/runner';
import type { OutputContent } from './config';

const OUTPUT_INDEX: Record<DeliveryStatus, number> = { delivered: 0, retry_later: 1, failed: 2 };

/** This node's part of an output item, in the order a person reads it: the delivery summary first. */
function resultFields(result: DeliveryResult): IDataObject {
	const fields: IDataObject = { delivery: result.delivery as unknown as IDataObject };
	if (result.error) fields.error = result.error as unknown as IDataObject;
	if (result.response) fields.response = result.response as unknown as IDataObject;
	if (result.captured) fields.captured = result.captured as IDataObject;
	return fields;
}

/**
 * What an item leaves with. Delivered and Failed: the delivery result (delivery, error, response,
 * captured) and, unless Output is Delivery Result Only, the input's own fields after it (without
 * an Outbound Webhook node's keys). Retry Later: always the input unchanged with the record, which
 * holds the last answer, as the request is built again from this item when it comes back.
 */
function outputJson(item: INodeExecutionData, result: DeliveryResult, output: OutputContent): IDataObject {
	const input = inputOf(item.json, result.delivery.node);
	const own = resultFields(result);
	if (result.status === 'retry_later') {
		const { delivery, ...answer } = own;
		return retryLaterJson(input, { ...(delivery as IDataObject), ...answer }) as IDataObject;
	}
	// Spread twice: this node's keys come first, and win over an input field of the same name.
	return output === 'deliveryOnly' ? own : { ...own, ...(withoutOwnKeys(input) as IDataObject), ...own };
}

/**
 * The result of a JSON Array request for one of its items after the first: its own copy (changing one item
 * downstream changes no other) without the answer's body, which stays on the first item only. A batch API's
 * answer often lists a result per record: copied into each of 2,000 items it took 390 MB.
 */
function laterInBatch(result: DeliveryResult, firstItemIndex: number): DeliveryResult {
	const { response, ...rest } = result;
	const copy: DeliveryResult = structuredClone(rest);
	if (response) {
		const { body: _body, ...head } = response;
		copy.response = { ...structuredClone(head), bodyInItem: firstItemIndex };
	}
	return copy;
}

/** Every input item lands in exactly one output (Delivered, Retry Later, Failed), in input order; binary data passes through. */
export function routeResults(
	items: INodeExecutionData[],
	jobs: PreparedJob[],
	results: DeliveryResult[],
	output: OutputContent = 'inputAndDelivery',
): INodeExecutionData[][] {
	const byItem = new Array<DeliveryResult>(items.length);
	for (const [index, job] of jobs.entries()) {
		const [first] = job.itemIndexes;
		for (const [position, itemIndex] of job.itemIndexes.entries())
			byItem[itemIndex] = position === 0 ? results[index] : laterInBatch(results[index], first);
	}
	const outputs: INodeExecutionData[][] = [[], [], []];
	for (const [itemIndex, item] of items.entries()) {
		const result = byItem[itemIndex];
		outputs[OUTPUT_INDEX[result.status]].push({
			json: outputJson(item, result, output),
			...(item.binary ? { binary: item.binary } : {}),
			pairedItem: { item: itemIndex },
		});
	}
	return outputs;
}

/**
 * Without a Retry Later branch an item put off would be dropped without a word: it fails instead,
 * saying why, and Failed Items and Continue On Fail decide what happens to it. Counts the items.
 */
export function withoutRetryLoop(jobs: PreparedJob[], results: DeliveryResult[]): { results: DeliveryResult[]; notRetriedLater: number } {
	let notRetriedLater = 0;
	for (const [index, result] of results.entries()) if (result.status === 'retry_later') notRetriedLater += jobs[index].itemIndexes.length;
	return { results: results.map(failedWithoutRetryLoop), notRetriedLater };
}

/** An item that could not even be attempted because the node's settings are invalid (Continue On Fail). */
export function failedItem(item: INodeExecutionData, itemIndex: number, error: Error): INodeExecutionData {
	const description = (error as { description?: string }).description;
	return {
		json: {
			...withoutOwnKeys(item.json),
			error: { code: 'ERR_INVALID_CONFIGURATION', message: description ? `${error.message}. ${description}` : error.message },
		},
		...(item.binary ? { binary: item.binary } : {}),
		pairedItem: { item: itemIndex },
	};
}
