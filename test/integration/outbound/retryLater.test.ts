/**
 * The Retry Later loop through n8n-core's execute context and a loopback receiver: an item that comes
 * back (as a Wait node hands it on, unchanged) is sent again with the same body under the same key.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';
import type { FakeOptions } from './fakeContext';
import { fakeContext } from './fakeContext';
import type { Receiver } from './receiver';
import { useReceiver } from './receiver';

const node = new OutboundWebhook();

let receiver: Receiver;
useReceiver((started) => (receiver = started));

const items = (...json: IDataObject[]): INodeExecutionData[] => json.map((entry) => ({ json: entry }));

function execute(parameters: Record<string, unknown>, input: INodeExecutionData[], options?: FakeOptions) {
	const { context, hints } = fakeContext({ method: 'POST', url: receiver.url(), ...parameters }, input, options);
	return { run: () => node.execute.call(context), hints };
}

/** Waits over 0 s go to Retry Later, due 50 ms later, so the item can come back at once. */
const LOOP = { retryLaterThreshold: 0, baseDelay: 0.05, maxAttempts: 3 };

/** Sends `input` (first answer 503), then what Retry Later gave back (answer 200); returns both passes. */
async function roundTrip(parameters: Record<string, unknown>, input: INodeExecutionData[]) {
	receiver.script({ status: 503, headers: { 'content-type': 'application/json' }, body: '{"busy":true}' });
	const [, retryLater] = await execute({ retry: LOOP, ...parameters }, input).run();
	const first = receiver.requests.map((request) => ({ body: request.body.toString(), key: request.headers['idempotency-key'] }));
	receiver.script({ status: 200 });
	const outputs = await execute({ retry: LOOP, ...parameters }, retryLater, { runIndex: 1 }).run();
	const again = receiver.requests.map((request) => ({ body: request.body.toString(), key: request.headers['idempotency-key'] }));
	return { retryLater, first, again, outputs };
}

describe('Outbound Webhook Retry Later loop', () => {
	it('sends the same body again with Output set to Delivery Result Only', async () => {
		const { retryLater, first, again, outputs } = await roundTrip({ options: { output: 'deliveryOnly' } }, items({ id: 1 }));
		expect(first).toEqual([{ body: '{"id":1}', key: expect.stringMatching(/^msg_/) }]);
		expect(again).toEqual(first);
		// The Retry Later item carries the input whatever Output says; Delivered follows the option.
		expect(Object.keys(retryLater[0].json)).toEqual(['delivery', 'id']);
		expect(Object.keys(outputs[0][0].json)).toEqual(['delivery', 'response']);
		expect(outputs[0][0].json.delivery).toMatchObject({ status: 'delivered', attemptCount: 2 });
	});

	it('resolves Fields expressions against the input again when the item comes back', async () => {
		const fields = { values: [{ name: 'email', value: '={{ $json.email }}' }] };
		const parameters = { content: 'fields', fields, options: { output: 'deliveryOnly' } };
		const { first, again } = await roundTrip(parameters, items({ email: 'a@b.c' }));
		expect(first.map((request) => request.body)).toEqual(['{"email":"a@b.c"}']);
		expect(again).toEqual(first);
	});

	it('keeps input fields named like the result (response, error, captured, delivery) in the item and the body', async () => {
		const input = items({ id: 7, delivery: 'express', response: { q1: 'yes' }, error: null, captured: ['x'] });
		const { retryLater, first, again, outputs } = await roundTrip({}, input);
		expect(first.map((request) => request.body)).toEqual([
			'{"id":7,"delivery":"express","response":{"q1":"yes"},"error":null,"captured":["x"]}',
		]);
		expect(again).toEqual(first);
		// The record stands in the input's "delivery" place and keeps that value, to put it back.
		expect(Object.keys(retryLater[0].json)).toEqual(['id', 'delivery', 'response', 'error', 'captured']);
		expect(retryLater[0].json).toMatchObject({ response: { q1: 'yes' }, error: null, captured: ['x'] });
		expect(retryLater[0].json.delivery).toMatchObject({ status: 'retry_later', inputDelivery: 'express' });
		expect(outputs[0][0].json).toMatchObject({ id: 7, delivery: { status: 'delivered' }, response: { statusCode: 200 } });
	});

	it('puts the last answer inside the delivery record, and keeps the binary data', async () => {
		const binary = { file: { data: 'aGk=', mimeType: 'text/plain' } };
		const capture = { captureLanguage: 'jsonPath', captureOnFailure: { values: [{ name: 'busy', expression: '$.busy' }] } };
		const { retryLater } = await roundTrip(capture, [{ json: { id: 1 }, binary }]);
		expect(retryLater[0].binary).toEqual(binary);
		expect(retryLater[0].json).toEqual({ delivery: expect.any(Object), id: 1 });
		expect(retryLater[0].json.delivery).toMatchObject({
			status: 'retry_later',
			finalStatusCode: 503,
			error: { code: 'HTTP_503' },
			response: { statusCode: 503, body: { busy: true } },
			captured: { busy: true },
			inputUnchanged: true,
		});
	});

	it('sends the same body for an item that carries the result of another Outbound Webhook node', async () => {
		const earlier = { status: 'delivered', idempotencyKey: 'msg_other', node: 'node-0' };
		const input = items({ id: 3, delivery: earlier, response: { statusCode: 200 } });
		const { retryLater, first, again, outputs } = await roundTrip({}, input);
		expect(first.map((request) => request.body)).toEqual(['{"id":3}']);
		expect(again).toEqual(first);
		expect((retryLater[0].json.delivery as IDataObject).inputDelivery).toEqual(earlier);
		expect(outputs[0][0].json).toMatchObject({ id: 3, delivery: { status: 'delivered', node: 'node-1' } });
	});

	it('sends JSON Array items that come back together with the same body', async () => {
		const { first, again } = await roundTrip({ encoding: 'jsonArray', options: { output: 'deliveryOnly' } }, items({ a: 1 }, { a: 2 }));
		expect(first.map((request) => request.body)).toEqual(['[{"a":1},{"a":2}]']);
		expect(again).toEqual(first);
	});

	it('resumes an item left waiting by an older version, with the result at the top level, as before', async () => {
		receiver.script({ status: 200 });
		const delivery = {
			status: 'retry_later',
			node: 'node-1',
			idempotencyKey: 'msg_old',
			attempts: [{ number: 1, startedAt: '2025-01-01T00:00:00.000Z', durationMs: 5 }],
		};
		const waiting = items({ delivery, error: { code: 'HTTP_503' }, response: { statusCode: 503 }, id: 9 });
		const [delivered] = await execute({ retry: LOOP }, waiting, { runIndex: 1 }).run();
		expect(receiver.requests.map((request) => [request.body.toString(), request.headers['idempotency-key']])).toEqual([
			['{"id":9}', 'msg_old'],
		]);
		expect(delivered[0].json).toMatchObject({ id: 9, delivery: { status: 'delivered', attemptCount: 2 }, response: { statusCode: 200 } });
		expect(delivered[0].json).not.toHaveProperty('error');
	});
});

describe('Outbound Webhook with nothing connected to Retry Later', () => {
	const busy = { retry: { retryLaterThreshold: 0, baseDelay: 0.5 } };

	it('fails the node, naming the item and the output to connect, when Failed is not connected either', async () => {
		receiver.script({ status: 503 });
		await expect(execute(busy, items({ id: 1 }), { connectedOutputs: [0] }).run()).rejects.toMatchObject({
			message: expect.stringMatching(
				/^Item 0 could not be delivered: 503 Service unavailable.*nothing is connected to the Retry Later output/,
			),
			description: expect.stringMatching(/Nothing is connected to the Retry Later output, so 1 item failed instead of waiting/),
			context: { itemIndex: 0 },
		});
	});

	it('stops the workflow when Failed Items says so, and with Continue On Fail puts the item on Failed', async () => {
		receiver.script({ status: 503 });
		await expect(execute({ ...busy, failedItems: 'stop' }, items({ id: 1 }), { connectedOutputs: [0, 2] }).run()).rejects.toThrow(
			/could not be delivered/,
		);
		const outputs = await execute(busy, items({ id: 1 }), { connectedOutputs: [0], continueOnFail: true }).run();
		expect(outputs.map((output) => output.length)).toEqual([0, 0, 1]);
	});

	it('fails every item of a JSON Array request put off', async () => {
		receiver.script({ status: 503, headers: { 'retry-after': '120' } });
		const [, retryLater, failed] = await execute({ encoding: 'jsonArray' }, items({ a: 1 }, { a: 2 }), { connectedOutputs: [0, 2] }).run();
		expect([retryLater.length, failed.length]).toEqual([0, 2]);
		expect(failed.map((item) => (item.json.error as IDataObject).code)).toEqual(['HTTP_503', 'HTTP_503']);
	});

	it('still sends Retry Later items out when it is connected', async () => {
		receiver.script({ status: 503 });
		const [, retryLater, failed] = await execute(busy, items({ id: 1 }), { connectedOutputs: [1] }).run();
		expect([retryLater.length, failed.length]).toEqual([1, 0]);
	});
});
