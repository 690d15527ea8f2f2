import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { createJobFactory, prepareJobs } from '../../../../nodes/OutboundWebhook/jobs';
import { readConfig } from '../../../../nodes/OutboundWebhook/config';
import type { OutboundConfigError } from '../../../../nodes/shared/outbound/errors';
import { isInvalidJob } from '../../../../nodes/shared/outbound/runner';
import { fakeContext } from '../../../integration/outbound/fakeContext';

const URL_TEXT = 'http://127.0.0.1:9/hook';
const items = (...json: IDataObject[]): INodeExecutionData[] => json.map((entry) => ({ json: entry }));

async function prepare(parameters: Record<string, unknown>, input: INodeExecutionData[]) {
	const { context } = fakeContext({ method: 'POST', url: URL_TEXT, ...parameters }, input);
	const settings = await readConfig(context);
	const errors: Array<[string, number]> = [];
	const jobs = prepareJobs(context, settings, input, (error: OutboundConfigError, itemIndex) => errors.push([error.field, itemIndex]));
	return { jobs, errors, factory: () => createJobFactory(context, settings) };
}

const retryLater = (key: string) => ({
	delivery: {
		status: 'retry_later',
		node: 'node-1',
		idempotencyKey: key,
		attempts: [{ number: 1, startedAt: '2025-01-01T00:00:00.000Z', durationMs: 5 }],
	},
});

describe('Outbound Webhook jobs', () => {
	it('makes an item whose URL cannot be used an invalid job of its own, which carries the reason and nothing to send', async () => {
		const urls = [URL_TEXT, 'example.com/hook'];
		const { jobs, errors } = await prepare({ url: (itemIndex: number) => urls[itemIndex] }, items({ a: 1 }, { a: 2 }));
		expect(jobs.map(isInvalidJob)).toEqual([false, true]);
		expect(jobs[1]).toEqual({
			kind: 'invalid',
			itemIndexes: [1],
			method: 'POST',
			redactedUrl: 'example.com/hook',
			error: expect.objectContaining({ field: 'URL' }),
		});
		expect(jobs[1]).not.toHaveProperty('build');
		expect(errors).toEqual([['URL', 1]]);
	});

	it('turns an expression error into an invalid job naming the parameters', async () => {
		const url = (itemIndex: number) => {
			if (itemIndex === 1) throw new Error('Cannot read properties of undefined');
			return URL_TEXT;
		};
		const { jobs, errors } = await prepare({ url }, items({ a: 1 }, { a: 2 }));
		expect(jobs[1]).toMatchObject({ kind: 'invalid', error: { field: 'Parameters', message: 'Cannot read properties of undefined' } });
		expect(errors).toEqual([['Parameters', 1]]);
	});

	it('gives every single item its own key and a body built at once', async () => {
		const { jobs } = await prepare({}, items({ a: 1 }, { a: 2 }));
		const [first, second] = jobs.map((job) => (isInvalidJob(job) ? undefined : job));
		expect(first?.idempotencyKey).toMatch(/^msg_[0-9a-f]{32}$/);
		expect(second?.idempotencyKey).not.toBe(first?.idempotencyKey);
		expect(JSON.parse(String(first?.build()?.body))).toEqual({ a: 1 });
	});

	it('sends JSON Array items back from one Retry Later request together again, with its key and attempts, apart from fresh items', async () => {
		const input = items({ a: 1, ...retryLater('msg_batch') }, { a: 2 }, { a: 3, ...retryLater('msg_batch') });
		const { jobs } = await prepare({ encoding: 'jsonArray' }, input);
		expect(jobs.map((job) => job.itemIndexes)).toEqual([[0, 2], [1]]);
		const [resumed, fresh] = jobs.map((job) => (isInvalidJob(job) ? undefined : job));
		expect(resumed).toMatchObject({ idempotencyKey: 'msg_batch', resume: { attempts: [{ number: 1 }] } });
		expect(JSON.parse(String(resumed?.build()?.body))).toEqual([{ a: 1 }, { a: 3 }]);
		expect(fresh?.idempotencyKey).not.toBe('msg_batch');
		expect(fresh?.resume).toBeUndefined();
	});

	it('splits JSON Array items by resolved query, in input order, and keeps a fixed request in one batch', async () => {
		const input = items({ tenant: 'a' }, { tenant: 'b' }, { tenant: 'a' });
		const queryParameters = { parameters: [{ name: 'tenant', value: (itemIndex: number) => input[itemIndex].json.tenant }] };
		const { jobs } = await prepare({ encoding: 'jsonArray', queryParameters }, input);
		expect(jobs.map((job) => [job.itemIndexes, job.redactedUrl])).toEqual([
			[[0, 2], `${URL_TEXT}?tenant=a`],
			[[1], `${URL_TEXT}?tenant=b`],
		]);

		const fixed = await prepare({ encoding: 'jsonArray' }, input);
		expect(fixed.jobs.map((job) => job.itemIndexes)).toEqual([[0, 1, 2]]);
		expect(fixed.factory().requestVaries).toBe(false);
	});

	it('makes a JSON Array item whose header cannot be resolved an invalid job of its own; the others still go', async () => {
		const input = items({ note: 'a' }, { note: 'b\r\nX-Injected: evil' }, { note: 'a' });
		const { jobs, errors } = await prepare({ encoding: 'jsonArray', headerMode: 'lines', headerLines: '=X-Note: {{ $json.note }}' }, input);
		expect(jobs.map((job) => [job.itemIndexes, isInvalidJob(job)])).toEqual([
			[[0, 2], false],
			[[1], true],
		]);
		expect(errors).toEqual([['Custom Headers', 1]]);
		const [sent] = jobs.map((job) => (isInvalidJob(job) ? undefined : job));
		expect(sent?.headers).toMatchObject({ 'X-Note': 'a' });
	});

	it('gives each further request of a split JSON Array group a key of its own, derived from the group', async () => {
		const urls = [URL_TEXT, 'http://127.0.0.1:9/other', URL_TEXT, 'http://127.0.0.1:9/other'];
		const input = items({ a: 1, ...retryLater('msg_batch') }, { a: 2, ...retryLater('msg_batch') }, { a: 3 }, { a: 4 });
		const url = (itemIndex: number) => urls[itemIndex];
		const { jobs } = await prepare({ encoding: 'jsonArray', url }, input);
		const sent = jobs.map((job) => (isInvalidJob(job) ? undefined : job));
		expect(sent.map((job) => [job?.itemIndexes, job?.redactedUrl])).toEqual([
			[[0], URL_TEXT],
			[[1], 'http://127.0.0.1:9/other'],
			[[2], URL_TEXT],
			[[3], 'http://127.0.0.1:9/other'],
		]);
		// Both resumed requests carry the attempts; only the first keeps the group's key.
		expect(sent[0]).toMatchObject({ idempotencyKey: 'msg_batch', resume: { attempts: [{ number: 1 }] } });
		expect(sent[1]).toMatchObject({ idempotencyKey: expect.stringMatching(/^msg_[0-9a-f]{32}$/), resume: { attempts: [{ number: 1 }] } });
		expect(new Set(sent.map((job) => job?.idempotencyKey)).size).toBe(4);
		// Derived from what the items are, not from chance: the same input gives the same keys.
		const again = await prepare({ encoding: 'jsonArray', url }, input);
		expect(again.jobs.map((job) => (isInvalidJob(job) ? undefined : job.idempotencyKey))).toEqual(sent.map((job) => job?.idempotencyKey));
	});

	it('builds one job, a batch and an invalid job from the same factory', async () => {
		const input = items({ a: 1 }, { a: 2 });
		const { factory } = await prepare({}, input);
		const jobs = factory();
		expect(jobs.single(input[0], 0)).toMatchObject({ itemIndexes: [0], method: 'POST', redactedUrl: URL_TEXT });
		expect(jobs.batch(input, [0, 1])).toMatchObject({ itemIndexes: [0, 1] });
		expect(jobs.invalid([1], { field: 'URL', message: 'bad', name: 'OutboundConfigError' } as OutboundConfigError)).toMatchObject({
			kind: 'invalid',
			redactedUrl: URL_TEXT,
		});
	});
});
