import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';

import { buildArrayBody, buildBody } from '../../../nodes/shared/outbound/content';
import type { ContentSpec } from '../../../nodes/shared/outbound/content';
import { compileCapture } from '../../../nodes/shared/outbound/capture';
import { OutboundConfigError } from '../../../nodes/shared/outbound/errors';
import { DEFAULT_RETRY_POLICY } from '../../../nodes/shared/outbound/retry';
import type { RetryPolicy } from '../../../nodes/shared/outbound/retry';
import { ProcessRateStore } from '../../../nodes/shared/outbound/rateLimit';
import type { AttemptLog, DeliveryJob, RunnerOptions } from '../../../nodes/shared/outbound/runner';
import { HANDOFF_MARGIN_MS, runDeliveries } from '../../../nodes/shared/outbound/runner';
import type { HttpResponse, RequestOptions } from '../../../nodes/shared/outbound/transport';
import type { Receiver } from './receiver';
import { useReceiver } from './receiver';

/** Capture fields by name, in order, as the node compiles them from its Capture On Success / On Failure settings. */
const capture = (kind: Parameters<typeof compileCapture>[0], fields: Record<string, string>, label = 'Capture On Success') =>
	compileCapture(
		kind,
		Object.entries(fields).map(([name, expression]) => ({ name, expression })),
		label,
	);

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const encode = { xmlRootElement: 'payload', formNotation: 'dot' as const };

/** A virtual clock: sleeps return at once and move the clock forward, so long waits cost no time. */
function virtualTime() {
	let offset = 0;
	const slept: number[] = [];
	return {
		slept,
		now: () => Date.now() + offset,
		sleep: async (ms: number) => {
			slept.push(ms);
			offset += ms;
		},
	};
}

let receiver: Receiver;
useReceiver((started) => (receiver = started));

function job(overrides: Partial<DeliveryJob> & { content?: ContentSpec } = {}): DeliveryJob {
	const { content = { mode: 'wholeItem', json: { contact: { email: 'a@b.c' } } }, ...rest } = overrides;
	return {
		itemIndexes: [0],
		method: 'POST',
		url: new URL(receiver.url()),
		redactedUrl: receiver.url(),
		headers: { 'Idempotency-Key': 'msg_key_1' },
		build: () => buildBody(content, 'json', encode),
		idempotencyKey: 'msg_key_1',
		...rest,
	};
}

/** The runner sleeps until a retry is due, less the real milliseconds the attempt's own handling took. */
function expectWaits(slept: number[], planned: number[]) {
	expect(slept).toHaveLength(planned.length);
	slept.forEach((ms, index) => {
		expect(ms).toBeLessThanOrEqual(planned[index]);
		// Less the attempt's own handling (milliseconds), never a large part of the delay.
		expect(ms).toBeGreaterThan(planned[index] - 250);
	});
}

function run(jobs: DeliveryJob[], overrides: Partial<Omit<RunnerOptions, 'policy'>> & { policy?: Partial<RetryPolicy> } = {}) {
	const time = virtualTime();
	const logs: AttemptLog[] = [];
	const { policy, ...rest } = overrides;
	const options: RunnerOptions = {
		concurrency: 10,
		policy: { ...DEFAULT_RETRY_POLICY, ...policy },
		timeoutMs: 2_000,
		maxResponseBytes: 1024 * 1024,
		followRedirects: false,
		ignoreTlsErrors: false,
		blockPrivateNetworks: false,
		includeResponseHeaders: false,
		nodeId: 'node-1',
		now: time.now,
		sleep: time.sleep,
		random: () => 1,
		log: (event) => logs.push(event),
		...rest,
	};
	return runDeliveries(jobs, options).then((results) => ({ results, logs, slept: time.slept }));
}

describe('delivery runner against a real receiver', () => {
	it('under a rate limit, sends the rest to Retry Later unsent when the endpoint pauses longer than Retry Later Above', async () => {
		receiver.script({ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 });
		const time = virtualTime();
		const jobs = [0, 1, 2].map((index) => job({ itemIndexes: [index], idempotencyKey: `k${index}` }));
		const rate = { store: new ProcessRateStore(time.now), intervalMs: 100 };
		const { results } = await run(jobs, { concurrency: 1, endpoints: { rate }, now: time.now, sleep: time.sleep });
		expect(results.map((result) => result.status)).toEqual(['retry_later', 'retry_later', 'retry_later']);
		expect(receiver.requests).toHaveLength(1);
		expect(Math.max(0, ...time.slept)).toBeLessThan(65_000);
		expect(results[1].error).toMatchObject({
			code: 'ERR_ENDPOINT_PAUSED',
			message: expect.stringMatching(/longer than Retry Later Above/),
		});
		const pausedUntil = Date.parse(results[1].delivery.nextAttemptAt as string);
		expect(pausedUntil).toBeGreaterThanOrEqual(Date.parse(results[0].delivery.nextAttemptAt as string) - 1_000);
	});

	it('delivers on the first attempt, signed with Standard Webhooks', async () => {
		receiver.script({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"received":true}' });
		const { results, logs } = await run([job({ signing: { config: { scheme: 'standardWebhooks' }, secret: SW_SECRET } })]);
		const [result] = results;
		expect(result.status).toBe('delivered');
		expect(result.delivery).toMatchObject({
			status: 'delivered',
			method: 'POST',
			idempotencyKey: 'msg_key_1',
			attemptCount: 1,
			finalStatusCode: 200,
			node: 'node-1',
			attempts: [{ number: 1, statusCode: 200 }],
		});
		expect(result.response).toEqual({ statusCode: 200, statusMessage: 'OK', body: { received: true }, bodyFormat: 'json' });
		const [received] = receiver.requests;
		expect(received.body.toString()).toBe('{"contact":{"email":"a@b.c"}}');
		expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
		expect(received.headers['idempotency-key']).toBe('msg_key_1');
		expect(received.headers['webhook-id']).toBe('msg_key_1');
		// The standardwebhooks package is the independent oracle.
		expect(new Webhook(SW_SECRET).verify(received.body.toString(), received.headers as Record<string, string>)).toEqual({
			contact: { email: 'a@b.c' },
		});
		expect(logs).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, outcome: 'delivered', url: receiver.url() })]);
	});

	it('retries 503, 503 and delivers on 200 with the same key and a fresh signature each time', async () => {
		receiver.script({ status: 503 }, { status: 503 }, { status: 200 });
		const { results, slept } = await run([job({ signing: { config: { scheme: 'standardWebhooks' }, secret: SW_SECRET } })]);
		expect(results[0].delivery).toMatchObject({
			status: 'delivered',
			attemptCount: 3,
			attempts: [
				{ number: 1, statusCode: 503, delayBeforeNextMs: 1_000 },
				{ number: 2, statusCode: 503, delayBeforeNextMs: 2_000 },
				{ number: 3, statusCode: 200 },
			],
		});
		expectWaits(slept, [1_000, 2_000]);
		expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual(['msg_key_1', 'msg_key_1', 'msg_key_1']);
		expect(new Set(receiver.requests.map((r) => r.headers['webhook-timestamp'])).size).toBe(3);
		for (const received of receiver.requests) {
			expect(() => new Webhook(SW_SECRET).verify(received.body, received.headers as Record<string, string>)).not.toThrow();
		}
	});

	it('waits as long as Retry-After asks on 429', async () => {
		receiver.script({ status: 429, headers: { 'retry-after': '7' } }, { status: 200 });
		const { results, slept } = await run([job()]);
		expectWaits(slept, [7_000]);
		expect(results[0].delivery.attempts[0]).toMatchObject({ statusCode: 429, delayBeforeNextMs: 7_000 });
		expect(results[0].status).toBe('delivered');
	});

	it('retries after a reset connection', async () => {
		receiver.script('reset', { status: 200 });
		const { results } = await run([job()]);
		expect(results[0].delivery.attempts.map((a) => a.errorCode ?? a.statusCode)).toEqual(['ECONNRESET', 200]);
	});

	it('retries after a timeout', async () => {
		receiver.script('hang', { status: 200 });
		const { results } = await run([job()], { timeoutMs: 150 });
		expect(results[0].delivery.attempts.map((a) => a.errorCode ?? a.statusCode)).toEqual(['ETIMEDOUT', 200]);
		expect(results[0].delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(140);
	});

	it('fails at once on 410 and explains it', async () => {
		receiver.script({ status: 410, body: 'gone' });
		const { results } = await run([job()]);
		expect(receiver.requests).toHaveLength(1);
		expect(results[0]).toMatchObject({
			status: 'failed',
			delivery: { attemptCount: 1, finalStatusCode: 410 },
			response: { statusCode: 410, body: 'gone', bodyFormat: 'text' },
			error: { code: 'HTTP_410', message: expect.stringMatching(/^410 Gone: .* Not retried: 410 is not in Retry On Statuses\.$/) },
		});
	});

	it('fails at once on 301 and names the new location', async () => {
		receiver.script({ status: 301, headers: { location: '/v2/hook?token=secret' } });
		const { results } = await run([job()]);
		expect(receiver.requests).toHaveLength(1);
		expect(results[0].error).toEqual({
			code: 'HTTP_301',
			message: expect.stringMatching(
				/^301 Moved permanently: .*Follow Redirects\. Location: http:\/\/127\.0\.0\.1:\d+\/v2\/hook\?token=\*\*\*$/,
			),
		});
	});

	it("masks the credential's query secret in a redirect's Location, in the error and in the response headers", async () => {
		receiver.script({
			status: 301,
			headers: { location: '/v2/hook?page=2&api_code=K3YSECRET', 'content-location': 'https://example.com/x?API_CODE=K3YSECRET' },
		});
		const { results } = await run([job({ secretQueryNames: ['api_code'] })], { includeResponseHeaders: true });
		expect(results[0].error?.message).toMatch(/Location: http:\/\/127\.0\.0\.1:\d+\/v2\/hook\?page=2&api_code=\*\*\*$/);
		expect(results[0].response?.headers).toMatchObject({
			location: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v2\/hook\?page=2&api_code=\*\*\*$/),
			'content-location': 'https://example.com/x?API_CODE=***',
		});
		expect(JSON.stringify(results)).not.toContain('K3YSECRET');
	});

	it('gives up when the attempts are used up', async () => {
		receiver.script({ status: 500 });
		const { results } = await run([job()], { policy: { maxAttempts: 3 } });
		expect(receiver.requests).toHaveLength(3);
		expect(results[0]).toMatchObject({
			status: 'failed',
			error: { code: 'HTTP_500', message: expect.stringMatching(/Gave up after 3 attempts\.$/) },
		});
	});

	it('captures from a JSON success and from an XML failure', async () => {
		const captureOnSuccess = capture('jsonPath', { invoiceId: '$.invoice.id', nope: '$.x' });
		const captureOnFailure = capture('xPath', { reason: '/error/reason' }, 'Capture On Failure');
		receiver.script({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"invoice":{"id":"inv_9"}}' });
		let { results } = await run([job()], { captureOnSuccess, captureOnFailure, includeResponseHeaders: true });
		expect(results[0].captured).toEqual({ invoiceId: 'inv_9', nope: null });
		expect(results[0].delivery.capture).toEqual({ unmatched: ['nope'] });
		expect(results[0].response?.headers).toMatchObject({ 'content-type': 'application/json' });

		receiver.script({
			status: 422,
			headers: { 'content-type': 'application/xml', 'set-cookie': 'sid=1' },
			body: '<error><reason>amount missing</reason></error>',
		});
		({ results } = await run([job()], { captureOnSuccess, captureOnFailure, includeResponseHeaders: true }));
		expect(results[0]).toMatchObject({
			status: 'failed',
			captured: { reason: 'amount missing' },
			response: { body: { error: { reason: 'amount missing' } }, bodyFormat: 'xml', headers: { 'set-cookie': '***' } },
		});
	});

	it('keeps the delivery status when a capture field fails on the response, and reports the field', async () => {
		// Passes the up-front check: the wrong arity only shows when the predicate runs on a matching element.
		const spec = capture('xPath', { bad: '//a[substring()]', a: '/r/a' });
		receiver.script({ status: 200, headers: { 'content-type': 'application/xml' }, body: '<r><a>1</a></r>' });
		let { results } = await run([job(), job({ itemIndexes: [1], idempotencyKey: 'msg_key_2' })], {
			captureOnSuccess: spec,
			captureOnFailure: spec,
		});
		expect(results.map((result) => result.status)).toEqual(['delivered', 'delivered']);
		expect(results[1]).toMatchObject({
			captured: { bad: null, a: '1' },
			delivery: {
				capture: { unmatched: ['bad'], error: expect.stringMatching(/^"bad" could not run on this response \(Function substring expects/) },
			},
		});
		expect(results[1].error).toBeUndefined();

		receiver.script({ status: 422, headers: { 'content-type': 'application/xml' }, body: '<r><a>1</a></r>' });
		({ results } = await run([job()], { captureOnSuccess: spec, captureOnFailure: spec }));
		expect(results[0]).toMatchObject({ status: 'failed', error: { code: 'HTTP_422' }, captured: { a: '1' } });
	});

	it('keeps a delivery delivered when its response cannot even be read', async () => {
		const send = async (options: RequestOptions): Promise<HttpResponse> => ({
			statusCode: 200,
			statusMessage: 'OK',
			headers: {},
			body: undefined as unknown as Buffer,
			truncated: false,
			url: options.url,
			redirects: 0,
		});
		const { results } = await run([job()], { send });
		expect(results[0]).toMatchObject({
			status: 'delivered',
			response: { statusCode: 200, body: null },
			delivery: { capture: { error: expect.stringMatching(/^the response could not be read/) } },
		});
	});

	it('captures from an ISO-8859-1 XML answer in its own charset, not as mangled UTF-8', async () => {
		const captureOnSuccess = capture('xPath', { name: '/contact/name' });
		const body = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><contact><name>Zoë Müller</name></contact>', 'latin1');
		receiver.script({ status: 200, headers: { 'content-type': 'application/xml' }, body });
		const { results } = await run([job()], { captureOnSuccess });
		expect(results[0]).toMatchObject({
			captured: { name: 'Zoë Müller' },
			response: { body: { contact: { name: 'Zoë Müller' } }, bodyFormat: 'xml' },
		});
	});

	it('sends items to Retry Later above the threshold, and continues the schedule when they come back', async () => {
		const policy = { backoff: 'schedule' as const, scheduleMs: [1_000, 120_000, 120_000], maxAttempts: 4 };
		receiver.script({ status: 503 });
		const first = await run([job()], { policy });
		const retryLater = first.results[0];
		expect(retryLater).toMatchObject({
			status: 'retry_later',
			delivery: { status: 'retry_later', attemptCount: 2, idempotencyKey: 'msg_key_1' },
		});
		expectWaits(first.slept, [1_000]);
		const nextAttemptAt = Date.parse(retryLater.delivery.nextAttemptAt as string);
		expect(nextAttemptAt - Date.parse(retryLater.delivery.lastAttemptAt as string)).toBeGreaterThanOrEqual(120_000);

		// Back through a Wait node: the clock has reached nextAttemptAt.
		receiver.script({ status: 200 });
		const resume = {
			attempts: retryLater.delivery.attempts,
			firstAttemptAt: retryLater.delivery.firstAttemptAt ?? undefined,
			nextAttemptAt: retryLater.delivery.nextAttemptAt,
		};
		const second = await run([job({ resume })], { policy, now: () => nextAttemptAt + 5 });
		expect(second.results[0].delivery.totalDurationMs).toBeGreaterThanOrEqual(121_000);
		expect(second.results[0].delivery.durationMs).toBeLessThan(1_000);
		expect(second.results[0].delivery).toMatchObject({
			status: 'delivered',
			attemptCount: 3,
			firstAttemptAt: retryLater.delivery.firstAttemptAt,
			attempts: [{ statusCode: 503 }, { statusCode: 503 }, { number: 3, statusCode: 200 }],
		});
		expect(receiver.requests[0].headers['idempotency-key']).toBe('msg_key_1');
	});

	describe('keeps a Retry Later wait durable when the rest of the batch delays its hand-off', () => {
		// Item 1 is deferred at once; item 2 then takes 40 s (on a virtual clock) before the batch ends.
		async function deferredWhileBatchRuns(policy: Partial<RetryPolicy>) {
			const started = Date.parse('2026-01-01T00:00:00Z');
			let clock = started;
			receiver.script({ status: 503 }, (_request, response) => {
				clock += 40_000;
				response.writeHead(200).end();
			});
			const { results } = await run([job(), job({ idempotencyKey: 'msg_key_2' })], { policy, concurrency: 1, now: () => clock });
			expect(results.map((result) => result.status)).toEqual(['retry_later', 'delivered']);
			const nextAttemptAt = Date.parse(results[0].delivery.nextAttemptAt as string);
			return { fromAttempt: nextAttemptAt - started, fromHandOff: nextAttemptAt - clock, attempts: results[0].delivery.attempts };
		}

		it('leaves a wait that still reaches the Wait node long enough as planned', async () => {
			const { fromAttempt, attempts } = await deferredWhileBatchRuns({ backoff: 'schedule', scheduleMs: [120_000], maxAttempts: 2 });
			expect(fromAttempt).toBe(120_000);
			expect(attempts[0].delayBeforeNextMs).toBe(120_000);
		});

		it('moves one the batch cut under 65 s to the threshold plus the hand-off margin, so n8n persists it', async () => {
			const { fromHandOff } = await deferredWhileBatchRuns({ backoff: 'schedule', scheduleMs: [66_000], maxAttempts: 2 });
			expect(fromHandOff).toBe(65_000 + HANDOFF_MARGIN_MS);
		});

		it('changes nothing under a threshold below 65 s, where the user chose in-memory waits', async () => {
			const { fromAttempt } = await deferredWhileBatchRuns({
				backoff: 'schedule',
				scheduleMs: [6_000],
				maxAttempts: 2,
				retryLaterThresholdMs: 5_000,
			});
			expect(fromAttempt).toBe(6_000);
		});
	});

	it('waits inside the execution for an item that comes back a little early, and sends one back that is far too early', async () => {
		receiver.script({ status: 200 });
		const now = Date.now();
		const soon = {
			attempts: [{ number: 1, startedAt: new Date(now).toISOString(), durationMs: 1, statusCode: 503 }],
			nextAttemptAt: new Date(now + 30_000).toISOString(),
		};
		const late = { ...soon, nextAttemptAt: new Date(now + 3_600_000).toISOString() };
		const { results, slept } = await run([job({ resume: soon }), job({ resume: late })]);
		expect(slept).toHaveLength(1);
		expect(slept[0]).toBeGreaterThan(29_000);
		expect(receiver.requests).toHaveLength(1);
		expect(results[0]).toMatchObject({ status: 'delivered', delivery: { attemptCount: 2 } });
		// n8n's Wait node waits for the first item's time only; a later item goes round again, unchanged.
		expect(results[1]).toMatchObject({
			status: 'retry_later',
			delivery: { attemptCount: 1, nextAttemptAt: late.nextAttemptAt, earlyReturns: 1 },
		});
		expect(results[1].error).toBeUndefined();
	});

	it('fails an item that keeps coming back early (no Wait node in the loop)', async () => {
		const late = { attempts: [], nextAttemptAt: new Date(Date.now() + 3_600_000).toISOString(), earlyReturns: 10 };
		const { results } = await run([job({ resume: late })]);
		expect(results[0]).toMatchObject({ status: 'failed', error: { code: 'ERR_RESUMED_TOO_EARLY' } });
	});

	it('keeps results in input order with at most `concurrency` requests in flight', async () => {
		receiver.script((request, res) => {
			const delay = 40 - Number(JSON.parse(request.body.toString()).n);
			setTimeout(() => res.writeHead(200).end(), delay);
		});
		const jobs = Array.from({ length: 40 }, (_, n) =>
			job({ itemIndexes: [n], idempotencyKey: `k${n}`, content: { mode: 'wholeItem', json: { n } } }),
		);
		const { results } = await run(jobs, { concurrency: 5 });
		expect(results.map((r) => r.delivery.idempotencyKey)).toEqual(jobs.map((j) => j.idempotencyKey));
		expect(results.every((r) => r.status === 'delivered')).toBe(true);
		// Exactly: the limit is kept, and the test would notice if the requests went out one by one.
		expect(receiver.maxInFlight()).toBe(5);
	});

	it('lets other items use the slot while one waits for its retry', async () => {
		receiver.script((request, res) => {
			const { n } = JSON.parse(request.body.toString());
			res.writeHead(n === 0 && !receiver.requests.slice(0, -1).some((r) => JSON.parse(r.body.toString()).n === 0) ? 503 : 200).end();
		});
		const order: string[] = [];
		const jobs = [0, 1, 2].map((n) => job({ itemIndexes: [n], idempotencyKey: `k${n}`, content: { mode: 'wholeItem', json: { n } } }));
		await run(jobs, { concurrency: 1, log: (event) => order.push(`${event.itemIndexes[0]}:${event.outcome}`) });
		expect(order).toEqual(['0:retry', '1:delivered', '2:delivered', '0:delivered']);
	});

	it('signs HMAC (SalesOS style) and Stripe-style headers that independent code verifies', async () => {
		receiver.script({ status: 200 });
		const hmac = {
			scheme: 'hmac' as const,
			headerName: 'X-Webhook-Signature',
			algorithm: 'sha256' as const,
			encoding: 'hex' as const,
			prefix: '',
			signedContent: 'body' as const,
			timestampHeaderName: 'X-Webhook-Timestamp',
		};
		await run([job({ signing: { config: hmac, secret: 'salesos-secret' } })]);
		const [signed] = receiver.requests;
		expect(signed.headers['x-webhook-signature']).toBe(createHmac('sha256', 'salesos-secret').update(signed.body).digest('hex'));

		receiver.script({ status: 200 });
		await run([job({ signing: { config: { scheme: 'timestamped', headerName: 'Stripe-Signature' }, secret: 'whsec_stripe_style' } })]);
		const [stripe] = receiver.requests;
		expect(() =>
			new Stripe('sk_test_unused').webhooks.constructEvent(stripe.body, stripe.headers['stripe-signature'] as string, 'whsec_stripe_style'),
		).not.toThrow();
	});

	it('sends all items in one JSON array request', async () => {
		receiver.script({ status: 200 });
		const specs: ContentSpec[] = [
			{ mode: 'wholeItem', json: { a: 1 } },
			{ mode: 'wholeItem', json: { a: 2 } },
		];
		const { results } = await run([job({ itemIndexes: [0, 1], build: () => buildArrayBody(specs) })]);
		expect(receiver.requests).toHaveLength(1);
		expect(JSON.parse(receiver.requests[0].body.toString())).toEqual([{ a: 1 }, { a: 2 }]);
		expect(results).toHaveLength(1);
	});

	it('fails an item whose body cannot be built, without sending it', async () => {
		receiver.script({ status: 200 });
		const broken = job({
			build: () => {
				throw new OutboundConfigError('Body Template', 'Merge tag {{contact.phone}} has no value in this item', 'Check the path');
			},
		});
		const { results } = await run([broken, job()]);
		expect(results[0]).toMatchObject({
			status: 'failed',
			delivery: { attemptCount: 0, attempts: [] },
			error: {
				code: 'ERR_INVALID_REQUEST',
				field: 'Body Template',
				message: 'Merge tag {{contact.phone}} has no value in this item. Check the path',
			},
		});
		expect(results[1].status).toBe('delivered');
		expect(receiver.requests).toHaveLength(1);
	});

	it('refuses private targets when blocking is on, without retrying', async () => {
		receiver.script({ status: 200 });
		const { results } = await run([job()], { blockPrivateNetworks: true });
		expect(receiver.requests).toHaveLength(0);
		expect(results[0]).toMatchObject({
			status: 'failed',
			delivery: { attemptCount: 1 },
			error: {
				code: 'ERR_BLOCKED_ADDRESS',
				message: expect.stringMatching(/127\.0\.0\.1, a loopback address.*Not retried: waiting would not fix this\.$/),
			},
		});
	});

	it('waits once before sending fresh items (execution delay)', async () => {
		receiver.script({ status: 200 });
		const { slept } = await run([job(), job()], { initialDelayMs: 5_000 });
		expectWaits(slept, [5_000]);
	});

	it('stops when the execution is cancelled and still answers for every item', async () => {
		receiver.script('hang');
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		const { results } = await run([job(), job()], { signal: controller.signal, concurrency: 1 });
		expect(results.map((r) => r.error?.code)).toEqual(['ERR_ABORTED', 'ERR_ABORTED']);
	});

	it('says "1 attempt" when a single attempt was all the policy allowed (a manual run)', async () => {
		receiver.script({ status: 503 });
		const { results } = await run([job()], { policy: { maxAttempts: 1 } });
		expect(results[0].error?.message).toMatch(/ Gave up after 1 attempt\.$/);
	});

	it('reports the attempt a job made before it was cancelled during its backoff wait', async () => {
		receiver.script({ status: 503 });
		const controller = new AbortController();
		// The execution is cancelled while the job waits for its second attempt.
		const { results } = await run([job()], { signal: controller.signal, sleep: async () => controller.abort() });
		expect(receiver.requests).toHaveLength(1);
		expect(results[0]).toMatchObject({
			status: 'failed',
			error: { code: 'ERR_ABORTED' },
			response: { statusCode: 503 },
			delivery: { attemptCount: 1, finalStatusCode: 503, attempts: [{ number: 1, statusCode: 503 }] },
		});
		expect(results[0].delivery.firstAttemptAt).toBe(results[0].delivery.attempts[0].startedAt);
	});
});
