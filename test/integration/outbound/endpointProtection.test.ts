/**
 * The Outbound Webhook's per-endpoint rate limit and circuit breaker, through n8n-core's real execute
 * context against loopback receivers: a receiver that allows N requests per second, one that is down,
 * one that is gone (410), and one that comes back.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';
import { resetProcessCircuits } from '../../../nodes/shared/outbound/circuitStore';
import type { FakeOptions } from './fakeContext';
import { fakeContext } from './fakeContext';
import type { Receiver } from './receiver';
import { useReceiver } from './receiver';

const node = new OutboundWebhook();

let receiver: Receiver;
useReceiver((started) => (receiver = started));

// Each test is its own node, so circuits opened by one do not refuse another's items.
let nodeNumber = 0;
beforeEach(() => {
	nodeNumber++;
	resetProcessCircuits();
});

const items = (count: number): INodeExecutionData[] => Array.from({ length: count }, (_, n) => ({ json: { n } }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(parameters: Record<string, unknown>, count: number, options: FakeOptions = {}) {
	const { context } = fakeContext({ method: 'POST', url: receiver.url(), ...parameters }, items(count), {
		nodeId: `node-${nodeNumber}`,
		...options,
	});
	const [delivered, retryLater, failed] = await node.execute.call(context);
	return { delivered, retryLater, failed };
}

const delivery = (item: INodeExecutionData) => item.json.delivery as IDataObject;
/** The reason an item was not delivered: a Retry Later item carries it inside its delivery record. */
const errorOf = (item: INodeExecutionData) => {
	const delivery = item.json.delivery as IDataObject;
	return (delivery.status === 'retry_later' ? delivery.error : item.json.error) as { code: string; message: string };
};

/** A receiver that accepts `perSecond` requests in any second and answers 429 with Retry-After: 1 beyond that. */
function limitedTo(perSecond: number) {
	const accepted: number[] = [];
	receiver.script((_request, res) => {
		const now = Date.now();
		while (accepted.length > 0 && accepted[0] <= now - 1_000) accepted.shift();
		if (accepted.length >= perSecond) return void res.writeHead(429, { 'retry-after': '1' }).end();
		accepted.push(now);
		res.writeHead(200).end();
	});
}

const tooMany = () => receiver.requests.length;
const breaker = (threshold: number, extra: IDataObject = {}) => ({
	circuitBreaker: true,
	circuitFailureThreshold: threshold,
	circuitProbeAfter: 1,
	options: { concurrency: 1 },
	...extra,
});

describe('rate limit per endpoint', () => {
	it('keeps under a receiver that allows 20 requests/s: every item delivered, few 429s', async () => {
		limitedTo(20);
		const started = Date.now();
		const { delivered } = await run({ rateLimit: true, rateLimitRequests: 18, options: { concurrency: 10 } }, 40);
		const elapsedMs = Date.now() - started;
		const answered429 = delivered.filter((item) => delivery(item).attemptCount !== 1).length;
		expect(delivered).toHaveLength(40);
		expect(answered429).toBeLessThanOrEqual(2);
		// 40 requests at 18/s take about 2.2 s; generous bounds.
		expect(elapsedMs).toBeGreaterThan(1_500);
		expect(delivered.some((item) => (delivery(item).rateLimitWaitMs as number) > 0)).toBe(true);
	});

	it('without it, the same run gets many 429s', async () => {
		limitedTo(20);
		await run({ retry: { maxAttempts: 5 }, options: { concurrency: 10 } }, 40);
		expect(tooMany() - 40).toBeGreaterThan(10);
	});

	it('refuses a rate of 0, naming the field', async () => {
		receiver.script({ status: 200 });
		await expect(run({ rateLimit: true, rateLimitRequests: 0 }, 1)).rejects.toThrow(
			/Requests \(Rate Limit Per Endpoint\) must be a number above 0/,
		);
		expect(receiver.requests).toHaveLength(0);
	});
});

describe('circuit breaker per endpoint', () => {
	it('opens after the configured failures: the remaining items go to Retry Later with the reason, far fewer requests', async () => {
		receiver.script({ status: 503 });
		const retry = { maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05 };
		const { retryLater, failed } = await run({ ...breaker(3), retry }, 20);
		const withBreaker = receiver.requests.length;
		expect(withBreaker).toBe(3);
		expect(failed).toHaveLength(0);
		expect(retryLater).toHaveLength(20);
		const refused = retryLater[19];
		expect(errorOf(refused)).toMatchObject({
			code: 'ERR_CIRCUIT_OPEN',
			message: expect.stringMatching(/circuit breaker for http:\/\/127\.0\.0\.1:\d+ is open .*3 consecutive failures, the last HTTP 503/),
		});
		expect(delivery(refused)).toMatchObject({ attemptCount: 0, circuit: { state: 'open', endpoint: new URL(receiver.url()).origin } });

		receiver.script({ status: 503 });
		nodeNumber++;
		await run({ retry }, 20);
		expect(receiver.requests.length).toBe(60);
		expect(withBreaker).toBeLessThan(receiver.requests.length / 10);
	});

	it('sends the remaining items to Failed when the node says so', async () => {
		receiver.script({ status: 503 });
		const { failed } = await run({ ...breaker(2, { circuitOpenItems: 'failed' }), retry: { maxAttempts: 1 } }, 5);
		expect(receiver.requests).toHaveLength(2);
		expect(failed.map((item) => errorOf(item).code)).toEqual([
			'HTTP_503',
			'HTTP_503',
			'ERR_CIRCUIT_OPEN',
			'ERR_CIRCUIT_OPEN',
			'ERR_CIRCUIT_OPEN',
		]);
	});

	it('opens at once on 410 Gone', async () => {
		receiver.script({ status: 410 });
		const { retryLater, failed } = await run(breaker(5), 10);
		expect(receiver.requests).toHaveLength(1);
		expect(failed).toHaveLength(1);
		expect(retryLater).toHaveLength(9);
		expect(errorOf(retryLater[0]).message).toMatch(/410 Gone/);
	});

	it('with a URL expression, a 410 is one record gone, not the origin: the other items are still sent', async () => {
		receiver.script((request, res) => void res.writeHead(request.url === '/contacts/0' ? 410 : 200).end());
		const { delivered, retryLater, failed } = await run(breaker(5, { url: (n: number) => receiver.url(`/contacts/${n}`) }), 3);
		expect(receiver.requests.map((request) => request.url)).toEqual(['/contacts/0', '/contacts/1', '/contacts/2']);
		expect([delivered.length, retryLater.length, failed.length]).toEqual([2, 0, 1]);
		expect(errorOf(failed[0]).code).toBe('HTTP_410');
	});

	it('a later run sends one probe first: a failed probe keeps it open, a good one closes it; the state survives restarts', async () => {
		let stored: IDataObject = {};
		// Every run is followed by a restart: this process's memory is gone, the saved static data is what n8n loads back.
		const runThenRestart = async (count: number) => {
			const staticData = JSON.parse(JSON.stringify(stored)) as IDataObject;
			const outputs = await run({ ...breaker(5), options: { concurrency: 5 } }, count, { staticData });
			stored = JSON.parse(JSON.stringify(staticData)) as IDataObject;
			resetProcessCircuits();
			return outputs;
		};
		receiver.script({ status: 410 });
		await runThenRestart(1);
		await sleep(1_100);
		receiver.script({ status: 503 });
		const probed = await runThenRestart(5);
		expect(receiver.requests).toHaveLength(1);
		expect(probed.retryLater).toHaveLength(5);
		expect(errorOf(probed.retryLater[1]).message).toMatch(/the probe failed \(HTTP 503\)/);

		receiver.script({ status: 200 });
		const tooEarly = await runThenRestart(5);
		expect(receiver.requests).toHaveLength(0);
		expect(tooEarly.retryLater).toHaveLength(5);

		await sleep(1_100);
		const closed = await runThenRestart(5);
		expect(receiver.requests).toHaveLength(5);
		expect(closed.delivered).toHaveLength(5);
		expect(delivery(closed.delivered[0]).circuit).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
	});
});
