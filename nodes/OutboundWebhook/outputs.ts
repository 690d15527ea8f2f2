import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { withoutOwnKeys } from '../shared/outbound/content';
import type { DeliveryResult, DeliveryStatus, PreparedJob } from '../shared/outbound/runner';

const OUTPUT_INDEX: Record<DeliveryStatus, number> = { delivered: 0, retry_later: 1, failed: 2 };

/**
 * Every input item lands in exactly one output (Delivered, Retry Later, Failed), in input order, as
 * its own data (without this node's keys from an earlier pass) plus delivery, response, captured
 * and error. Binary data passes through.
 */
export function routeResults(items: INodeExecutionData[], jobs: PreparedJob[], results: DeliveryResult[]): INodeExecutionData[][] {
	const byItem = new Array<DeliveryResult>(items.length);
	for (const [index, job] of jobs.entries()) {
		// A JSON Array request answers for several items: each gets its own copy, so changing one downstream changes no other.
		for (const [position, itemIndex] of job.itemIndexes.entries()) byItem[itemIndex] = position === 0 ? results[index] : structuredClone(results[index]);
	}
	const outputs: INodeExecutionData[][] = [[], [], []];
	for (const [itemIndex, item] of items.entries()) {
		const result = byItem[itemIndex];
		const json: IDataObject = { ...withoutOwnKeys(item.json), delivery: result.delivery as unknown as IDataObject };
		if (result.response) json.response = result.response as unknown as IDataObject;
		if (result.captured) json.captured = result.captured as IDataObject;
		if (result.error) json.error = result.error as unknown as IDataObject;
		outputs[OUTPUT_INDEX[result.status]].push({
			json,
			...(item.binary ? { binary: item.binary } : {}),
			pairedItem: { item: itemIndex },
		});
	}
	return outputs;
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
