import type { INodeExecutionData } from 'n8n-workflow';

import type { DeliveryJob, PreparedJob } from '../shared/outbound/runner';
import type { JobFactory, RequestParts, Resumed } from './jobs';

/** One of the requests a JSON Array group is split into by resolved request; `index` 0 is the group's first. */
export interface BatchRequest {
	parts: RequestParts;
	index: number;
}

interface Group {
	itemIndexes: number[];
	resumed?: Resumed;
}

interface Batch extends Group {
	request?: BatchRequest;
	/** Why the item's request could not be resolved: the batch is that one item, and fails without sending. */
	error?: unknown;
}

/**
 * Items back from one Retry Later request go out together again with its key and attempts; fresh
 * items get a request (and key) of their own.
 */
function resumeGroups(items: INodeExecutionData[], factory: JobFactory): Group[] {
	const groups = new Map<string | undefined, Group>();
	for (const [index, item] of items.entries()) {
		const resumed = factory.resumed(item);
		const group = groups.get(resumed?.key);
		if (group) group.itemIndexes.push(index);
		else groups.set(resumed?.key, { itemIndexes: [index], resumed });
	}
	return [...groups.values()];
}

/** Equal exactly when two items would send the same request: URL with its query, and custom headers in order. */
const requestKey = ({ url, headers }: RequestParts) => JSON.stringify([url.href, headers.map(({ name, value }) => [name, value])]);

/**
 * Splits a group into one batch per resolved request, keeping input order within each: items for
 * another URL or with other headers must not go out under the first item's. An item whose request
 * cannot be resolved becomes a batch of its own that carries the error.
 */
function byRequest(group: Group, factory: JobFactory): Batch[] {
	const batches: Batch[] = [];
	const byKey = new Map<string, Batch>();
	for (const itemIndex of group.itemIndexes) {
		let parts: RequestParts;
		try {
			parts = factory.request(itemIndex);
		} catch (error) {
			batches.push({ itemIndexes: [itemIndex], error });
			continue;
		}
		const key = requestKey(parts);
		const batch = byKey.get(key);
		if (batch) batch.itemIndexes.push(itemIndex);
		else {
			const created = { itemIndexes: [itemIndex], resumed: group.resumed, request: { parts, index: byKey.size } };
			byKey.set(key, created);
			batches.push(created);
		}
	}
	return batches;
}

type Prepare = (itemIndexes: number[], build: () => DeliveryJob) => PreparedJob;

/** A build that fails with `error`, for `prepare` to turn into an invalid job. */
const failingWith = (error: unknown) => (): never => {
	throw error;
};

/** A batch's jobs: an item whose own content cannot be built fails alone, named; the others go out together. */
function jobsOf(batch: Batch, items: INodeExecutionData[], factory: JobFactory, prepare: Prepare): PreparedJob[] {
	if ('error' in batch) return [prepare(batch.itemIndexes, failingWith(batch.error))];
	const sent: number[] = [];
	const elements: unknown[] = [];
	const failed: PreparedJob[] = [];
	for (const itemIndex of batch.itemIndexes) {
		let element: unknown;
		try {
			element = factory.element(items[itemIndex], itemIndex);
		} catch (error) {
			failed.push(prepare([itemIndex], failingWith(error)));
			continue;
		}
		elements.push(element);
		sent.push(itemIndex);
	}
	if (sent.length === 0) return failed;
	return [prepare(sent, () => factory.batch(items, sent, batch.resumed, batch.request, elements)), ...failed];
}

/** One JSON Array job per Retry Later group and resolved request; `prepare` turns a throw into an invalid job. */
export function batchJobs(items: INodeExecutionData[], factory: JobFactory, prepare: Prepare): PreparedJob[] {
	// With a fixed URL and headers every item shares one request, resolved once when the job is built.
	const batches = resumeGroups(items, factory).flatMap((group): Batch[] => (factory.requestVaries ? byRequest(group, factory) : [group]));
	return batches.flatMap((batch) => jobsOf(batch, items, factory, prepare));
}
