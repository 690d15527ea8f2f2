import { verify } from 'node:crypto';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { Webhook } from 'standardwebhooks';

import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';
import { verifyInboundAuth } from '../../../nodes/shared/auth';
import { standardWebhooksKeyPair } from '../../unit/shared/signatures/ed25519Keys';
import type { FakeOptions } from './fakeContext';
import { fakeContext } from './fakeContext';
import type { Receiver } from './receiver';
import { useReceiver } from './receiver';

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const node = new OutboundWebhook();

let receiver: Receiver;
useReceiver((started) => (receiver = started));

const items = (...json: IDataObject[]): INodeExecutionData[] => json.map((entry) => ({ json: entry }));

function execute(parameters: Record<string, unknown>, input: INodeExecutionData[], options?: FakeOptions) {
	const { context, logs, hints } = fakeContext({ method: 'POST', url: receiver.url(), ...parameters }, input, options);
	return { run: () => node.execute.call(context), logs, hints };
}

const bodies = () => receiver.requests.map((request) => JSON.parse(request.body.toString()));

/** Answers by the `answer` field of the JSON body, so each item can script its own reply. */
const answerByBody = () =>
	receiver.script((request, res) => {
		const { answer } = JSON.parse(request.body.toString());
		res.writeHead(answer ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify({ answer }));
	});

describe('Outbound Webhook node', () => {
	it('routes every item to exactly one output, in order, with pairedItem', async () => {
		answerByBody();
		const input = items({ id: 'a', answer: 200 }, { id: 'b', answer: 503 }, { id: 'c', answer: 404 }, { id: 'd', answer: 201 });
		const [delivered, retryLater, failed] = await execute({ retry: { retryLaterThreshold: 0, baseDelay: 0.5 } }, input).run();
		expect(delivered.map((item) => [item.json.id, item.pairedItem])).toEqual([
			['a', { item: 0 }],
			['d', { item: 3 }],
		]);
		expect(retryLater.map((item) => [item.json.id, item.pairedItem])).toEqual([['b', { item: 1 }]]);
		expect(failed.map((item) => [item.json.id, item.pairedItem])).toEqual([['c', { item: 2 }]]);
		expect(delivered[0].json).toMatchObject({
			id: 'a',
			delivery: { status: 'delivered', attemptCount: 1 },
			response: { statusCode: 200, body: { answer: 200 } },
		});
		expect(retryLater[0].json.delivery).toMatchObject({
			status: 'retry_later',
			attemptCount: 1,
			nextAttemptAt: expect.any(String),
			node: 'node-1',
		});
		expect(failed[0].json.error).toMatchObject({ code: 'HTTP_404', message: expect.stringMatching(/^404 Not found/) });
	});

	it('signs with Standard Webhooks on top of a bearer token, with one stable key per item', async () => {
		receiver.script({ status: 200 });
		const parameters = { authentication: 'bearerToken', signRequests: true };
		const credentials = {
			webhookBearerTokenApi: { token: 'bearer-secret' },
			webhookSigningSecretApi: { scheme: 'standardWebhooks', secret: SW_SECRET },
		};
		const input = items({ n: 1 }, { n: 2 });
		const [first] = await execute(parameters, input, { credentials }).run();
		// n8n's Retry On Fail runs the node again in the same execution and run: the keys must not change.
		await execute(parameters, input, { credentials }).run();
		const keys = receiver.requests.map((request) => request.headers['idempotency-key']);
		expect(keys[0]).toMatch(/^msg_[0-9a-f]{32}$/);
		expect(keys).toEqual([keys[0], keys[1], keys[0], keys[1]]);
		expect(keys[0]).not.toBe(keys[1]);
		for (const request of receiver.requests) {
			expect(request.headers.authorization).toBe('Bearer bearer-secret');
			expect(request.headers['webhook-id']).toBe(request.headers['idempotency-key']);
			expect(() => new Webhook(SW_SECRET).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
		}
		expect(first[0].json.delivery).toMatchObject({ idempotencyKey: keys[0] });
		// A later run of the node in the same execution (a loop) gets new keys.
		receiver.script({ status: 200 });
		await execute(parameters, input, { credentials, runIndex: 1 }).run();
		expect(receiver.requests[0].headers['idempotency-key']).not.toBe(keys[0]);
	});

	it('signs with the previous secret too until the rotation overlap ends, so receivers on either secret verify', async () => {
		const previous = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
		const signing = (until: string) => ({
			webhookSigningSecretApi: { scheme: 'standardWebhooks', secret: SW_SECRET, previousSecrets: previous, signPreviousUntil: until },
		});
		receiver.script({ status: 200 });
		await execute({ signRequests: true }, items({ n: 1 }), { credentials: signing(new Date(Date.now() + 3_600_000).toISOString()) }).run();
		await execute({ signRequests: true }, items({ n: 2 }), { credentials: signing(new Date(Date.now() - 1_000).toISOString()) }).run();
		const [during, after] = receiver.requests.map((request) => request.headers as Record<string, string>);
		const bodiesSent = receiver.requests.map((request) => request.body);
		expect(during['webhook-signature'].split(' ')).toHaveLength(2);
		for (const secret of [SW_SECRET, previous]) expect(() => new Webhook(secret).verify(bodiesSent[0], during)).not.toThrow();
		expect(after['webhook-signature'].split(' ')).toHaveLength(1);
		expect(() => new Webhook(previous).verify(bodiesSent[1], after)).toThrow();
	});

	it("reads a picked Sign With Previous Secrets Until (no offset) in the workflow's time zone, and names an unreadable one", async () => {
		const credentials = (signPreviousUntil: string) => ({
			webhookSigningSecretApi: {
				scheme: 'standardWebhooks',
				secret: SW_SECRET,
				previousSecrets: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
				signPreviousUntil,
			},
		});
		// Kiritimati's wall clock an hour ago, as n8n's date picker stores it: read in UTC it would still lie ahead.
		const hourAgoInKiritimati = new Date(Date.now() - 3_600_000 + 14 * 3_600_000).toISOString().slice(0, 19);
		receiver.script({ status: 200 });
		await execute({ signRequests: true }, items({ n: 1 }), {
			credentials: credentials(hourAgoInKiritimati),
			timezone: 'Pacific/Kiritimati',
		}).run();
		expect((receiver.requests[0].headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
		const unreadable = execute({ signRequests: true }, items({ n: 1 }), { credentials: credentials('end of next week') });
		await expect(unreadable.run()).rejects.toThrow(/Sign With Previous Secrets Until is not a date \("end of next week"\)/);
		expect(receiver.requests).toHaveLength(1);
	});

	it('signs v1a with a whsk_ Ed25519 key, next to v1 from the previous whsec_ secret; the key is nowhere in the output or logs', async () => {
		const keys = standardWebhooksKeyPair();
		const credentials = {
			webhookSigningSecretApi: {
				scheme: 'standardWebhooks',
				secret: keys.secretKey,
				previousSecrets: SW_SECRET,
				signPreviousUntil: new Date(Date.now() + 3_600_000).toISOString(),
			},
		};
		receiver.script({ status: 200 });
		const run = execute({ signRequests: true }, items({ n: 1 }), { credentials });
		const outputs = await run.run();
		const [request] = receiver.requests;
		const headers = request.headers as Record<string, string>;
		const [v1a, v1] = headers['webhook-signature'].split(' ');
		expect([v1a.split(',')[0], v1.split(',')[0]]).toEqual(['v1a', 'v1']);
		const content = Buffer.concat([Buffer.from(`${headers['webhook-id']}.${headers['webhook-timestamp']}.`), request.body]);
		expect(verify(null, content, keys.publicKey, Buffer.from(v1a.slice('v1a,'.length), 'base64'))).toBe(true);
		expect(() => new Webhook(SW_SECRET).verify(request.body, headers)).not.toThrow();
		// A trigger holding only the public key accepts the request; one holding another key does not.
		const receiving = (publicKeys: string) => ({ scheme: 'standardWebhooks', secret: SW_SECRET.replace('M', 'N'), publicKeys });
		const verifyWith = (publicKeys: string) =>
			verifyInboundAuth('signingSecret', receiving(publicKeys), { headers, query: {}, rawBody: request.body }, { toleranceSeconds: 300 });
		expect(verifyWith(keys.publicKeyText)).toMatchObject({ valid: true, secretIndex: 1 });
		expect(verifyWith(standardWebhooksKeyPair().publicKeyText)).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(JSON.stringify([outputs, run.logs, run.hints])).not.toContain(keys.secretKey.slice('whsk_'.length));
	});

	it('refuses to sign with a whpk_ public key, naming the field, without quoting the key', async () => {
		const keys = standardWebhooksKeyPair();
		const credentials = { webhookSigningSecretApi: { scheme: 'standardWebhooks', secret: keys.publicKeyText } };
		receiver.script({ status: 200 });
		const failure = execute({ signRequests: true }, items({ n: 1 }), { credentials }).run();
		await expect(failure).rejects.toThrow('Secret is a whpk_ public key, which verifies but cannot sign');
		await expect(failure).rejects.not.toThrow(keys.publicKeyText.slice('whpk_'.length));
		expect(receiver.requests).toHaveLength(0);
	});

	it('uses an idempotency key from an expression, such as the CRM event id', async () => {
		receiver.script({ status: 200 });
		const input = items({ eventId: 'evt_1' }, { eventId: 'evt_2' });
		await execute({ options: { idempotencyKey: (i: number) => input[i].json.eventId } }, input).run();
		expect(receiver.requests.map((request) => request.headers['idempotency-key'])).toEqual(['evt_1', 'evt_2']);
	});

	it('sends the key a Custom Headers entry gives the idempotency header, as given, and records it', async () => {
		receiver.script({ status: 200 });
		const input = items({ eventId: 'evt_1' }, { eventId: 'evt_2' });
		const headers = { parameters: [{ name: 'Idempotency-Key', value: (i: number) => input[i].json.eventId }] };
		const [delivered] = await execute({ headers }, input).run();
		await execute({ headerMode: 'lines', headerLines: 'idempotency-key: evt_456' }, items({})).run();
		expect(receiver.requests.map((request) => request.headers['idempotency-key'])).toEqual(['evt_1', 'evt_2', 'evt_456']);
		expect(delivered.map((item) => (item.json.delivery as IDataObject).idempotencyKey)).toEqual(['evt_1', 'evt_2']);
		const both = { headerMode: 'lines', headerLines: 'Idempotency-Key: a', options: { idempotencyKey: 'b' }, failedItems: 'stop' };
		await expect(execute(both, items({})).run()).rejects.toMatchObject({
			message: '"Idempotency-Key" holds another key than Options › Idempotency Key',
		});
		expect(receiver.requests).toHaveLength(3);
	});

	it('keeps each JSON Array request’s own Idempotency-Key header as its key, whatever its position', async () => {
		receiver.script({ status: 200 });
		const send = async (input: INodeExecutionData[]) => {
			receiver.script({ status: 200 });
			const headers = { parameters: [{ name: 'Idempotency-Key', value: (i: number) => input[i].json.eventId }] };
			await execute({ encoding: 'jsonArray', headers }, input).run();
			return Object.fromEntries(
				receiver.requests.map((request) => [JSON.parse(request.body.toString())[0].eventId, request.headers['idempotency-key']]),
			);
		};
		const sent = await send(items({ eventId: 'evt_1' }, { eventId: 'evt_2' }, { eventId: 'evt_3' }));
		expect(sent).toEqual({ evt_1: 'evt_1', evt_2: 'evt_2', evt_3: 'evt_3' });
		expect(await send(items({ eventId: 'evt_3' }, { eventId: 'evt_1' }))).toEqual({ evt_3: 'evt_3', evt_1: 'evt_1' });
	});

	it('names Custom Headers when the Idempotency-Key header it gives is unusable', async () => {
		receiver.script({ status: 200 });
		const headers = { parameters: [{ name: 'Idempotency-Key', value: 'k'.repeat(300) }] };
		await expect(execute({ headers, failedItems: 'stop' }, items({})).run()).rejects.toMatchObject({
			message: expect.stringContaining('The idempotency key is longer than'),
			description: expect.stringContaining('Custom Headers'),
		});
	});

	it('continues a Retry Later item that comes back through a Wait node', async () => {
		receiver.script({ status: 503 });
		const parameters = { retry: { retryLaterThreshold: 0, baseDelay: 0.05, maxAttempts: 3 } };
		const [, retryLater] = await execute(parameters, items({ contact: { email: 'a@b.c' } })).run();
		const key = retryLater[0].json.delivery as IDataObject;

		receiver.script({ status: 200 });
		// The Wait node hands the item back unchanged, a moment later (another run of this node).
		const [delivered] = await execute(parameters, [retryLater[0]], { runIndex: 1 }).run();
		expect(delivered).toHaveLength(1);
		expect(delivered[0].json.delivery).toMatchObject({
			status: 'delivered',
			attemptCount: 2,
			idempotencyKey: key.idempotencyKey,
			firstAttemptAt: key.firstAttemptAt,
		});
		expect(receiver.requests[0].headers['idempotency-key']).toBe(key.idempotencyKey);
		// The body is the item's own data again, without delivery/response/error from the first pass.
		expect(bodies()).toEqual([{ contact: { email: 'a@b.c' } }]);
		// The delivery summary comes first, so the output table shows it before the item's own fields.
		expect(Object.keys(delivered[0].json)).toEqual(['delivery', 'response', 'contact']);
		expect(Object.keys(delivered[0].json.delivery as object).slice(0, 3)).toEqual(['status', 'finalStatusCode', 'message']);
		expect((delivered[0].json.delivery as { message: string }).message).toMatch(/^Delivered: 200 after 2 attempts$/);
	});

	it('outputs only the delivery result when Output is Delivery Result Only', async () => {
		receiver.script({ status: 400 });
		const [, , failed] = await execute({ options: { output: 'deliveryOnly' } }, items({ contact: { email: 'a@b.c' } })).run();
		expect(Object.keys(failed[0].json)).toEqual(['delivery', 'error', 'response']);
		expect((failed[0].json.delivery as { message: string }).message).toMatch(/^Failed after 1 attempt: 400 Bad request: /);
	});

	it('stops the workflow with an error naming the item when asked to', async () => {
		answerByBody();
		const input = items({ answer: 200 }, { answer: 422 });
		await expect(execute({ failedItems: 'stop' }, input).run()).rejects.toMatchObject({
			message: expect.stringMatching(/^Item 1 could not be delivered: 422 Unprocessable entity/),
			context: { itemIndex: 1 },
		});
		// With Continue On Fail, the item goes to the Failed output instead.
		const [, , failed] = await execute({ failedItems: 'stop' }, input, { continueOnFail: true }).run();
		expect(failed).toHaveLength(1);
	});

	it('fails the node for an undelivered item when nothing is connected to the Failed output', async () => {
		answerByBody();
		const input = items({ answer: 200 }, { answer: 400 });
		await expect(execute({}, input, { connectedOutputs: [0] }).run()).rejects.toMatchObject({
			message: expect.stringMatching(/^Item 1 could not be delivered: 400 Bad request/),
			description: expect.stringMatching(
				/1 of 2 items failed \(first: HTTP_400\)\. Outbound Webhook: 1 delivered, 0 waiting in Retry Later, 1 failed\..*connect the Failed output/,
			),
			context: { itemIndex: 1 },
		});
		// Wired to a Failed branch, the item goes there and the output panel counts it.
		const wired = execute({}, input, { connectedOutputs: [0, 2] });
		const [delivered, , failed] = await wired.run();
		expect([delivered.length, failed.length]).toEqual([1, 1]);
		expect(wired.hints).toEqual([
			{ message: 'Outbound Webhook: 1 delivered, 0 waiting in Retry Later, 1 failed.', type: 'warning', location: 'outputPane' },
		]);
	});

	it('says what the receiver answered, and only what applies, when the one item fails', async () => {
		receiver.script({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":"email is required"}' });
		const failure = await execute({}, items({ contact: {} }), { mode: 'manual', connectedOutputs: [0] })
			.run()
			.catch((error: { message: string; description: string }) => error);
		expect(failure).toMatchObject({
			message: expect.stringMatching(
				/^Item 0 could not be delivered: 400 Bad request: .* Receiver answered: \{"error":"email is required"\}$/,
			),
			description: expect.stringMatching(
				/^1 of 1 item failed \(first: HTTP_400\)\. Outbound Webhook: 0 delivered, 0 waiting in Retry Later, 1 failed\. To handle/,
			),
		});
	});

	it('quotes no input field as the receiver’s answer when no answer came', async () => {
		const failure = await execute(
			{ url: () => 'http://127.0.0.1:9/hook' },
			items({ response: { body: { note: 'from an earlier node' } } }),
			{
				mode: 'manual',
				connectedOutputs: [0],
			},
		)
			.run()
			.catch((error: { message: string }) => error);
		expect(failure).toMatchObject({ message: expect.stringMatching(/^Item 0 could not be delivered: /) });
		expect((failure as { message: string }).message).not.toContain('Receiver answered');
	});

	it('fails the node for an invalid URL whatever Failed Items says', async () => {
		receiver.script({ status: 200 });
		const input = items({ url: 'example.com/hook' });
		await expect(execute({ url: () => 'example.com/hook' }, input, { connectedOutputs: [0, 1, 2] }).run()).rejects.toMatchObject({
			message: 'URL "example.com/hook" has no scheme',
			context: { itemIndex: 0 },
		});
		expect(receiver.requests).toHaveLength(0);
	});

	it('makes one attempt in a manual run and says what a published run would do', async () => {
		receiver.script({ status: 503 });
		const manual = execute({ retry: { baseDelay: 0.01, maxAttempts: 4 } }, items({}), { mode: 'manual', connectedOutputs: [0, 1, 2] });
		const [, retryLater, failed] = await manual.run();
		expect(receiver.requests).toHaveLength(1);
		expect([retryLater.length, failed.length]).toEqual([0, 1]);
		expect(manual.hints[0].message).toMatch(/A manual run makes one attempt per item; published runs make up to 4 \(Retry Policy\)\.$/);
		// A 400 is not retried in any run, so the hint does not suggest that a published run would do better.
		receiver.script({ status: 400 });
		const refused = execute({ retry: { baseDelay: 0.01, maxAttempts: 4 } }, items({}), { mode: 'manual', connectedOutputs: [0, 1, 2] });
		await refused.run();
		expect(refused.hints[0].message).toBe('Outbound Webhook: 0 delivered, 0 waiting in Retry Later, 1 failed.');
		// A production run keeps the whole policy.
		receiver.script({ status: 503 });
		await execute({ retry: { baseDelay: 0.01, maxAttempts: 4 } }, items({}), { connectedOutputs: [0, 1, 2] }).run();
		expect(receiver.requests).toHaveLength(4);
	});

	it('fails an item that would wait in Retry Later when nothing is connected there, saying what to connect', async () => {
		receiver.script({ status: 503 });
		const run = execute({ retry: { retryLaterThreshold: 0, baseDelay: 0.5 } }, items({ id: 1 }), { connectedOutputs: [0, 2] });
		const [, retryLater, failed] = await run.run();
		expect([retryLater.length, failed.length]).toEqual([0, 1]);
		expect(failed[0].json).toMatchObject({
			id: 1,
			delivery: { status: 'failed', attemptCount: 1, message: expect.stringMatching(/^Failed after 1 attempt: 503 Service unavailable/) },
			error: { code: 'HTTP_503', message: expect.stringMatching(/Not retried later: nothing is connected to the Retry Later output/) },
		});
		expect(failed[0].json.delivery).not.toHaveProperty('nextAttemptAt');
		expect(run.hints[0]).toMatchObject({
			type: 'warning',
			message: expect.stringContaining('Nothing is connected to the Retry Later output, so 1 item failed instead of waiting'),
		});
	});

	it('refuses a bad URL before sending anything, naming the field', async () => {
		receiver.script({ status: 200 });
		const input = items({ url: receiver.url() }, { url: 'example.com/hook' });
		const url = (i: number) => input[i].json.url;
		await expect(execute({ url, failedItems: 'stop' }, input).run()).rejects.toMatchObject({
			message: 'URL "example.com/hook" has no scheme',
			description: expect.stringMatching(/Check the "URL" parameter\. Add https:\/\//),
			context: { itemIndex: 1 },
		});
		expect(receiver.requests).toHaveLength(0);

		// With Continue On Fail the item goes to the Failed output, and the others are still sent.
		const [delivered, , failed] = await execute({ url }, input, { continueOnFail: true }).run();
		expect(delivered).toHaveLength(1);
		expect(failed[0].json.error).toMatchObject({ code: 'ERR_INVALID_REQUEST', field: 'URL' });
	});

	it('fails only the JSON Array item whose data cannot fill the template, naming it; the others go out together', async () => {
		receiver.script({ status: 200 });
		const template = { encoding: 'jsonArray', content: 'template', template: '{"email": "{{contact.email}}"}', missingMergeTags: 'error' };
		const input = items({ contact: { email: 'a@x' } }, { contact: { email: 'b@x' } }, { contact: {} }, { contact: { email: 'd@x' } });
		await expect(execute({ ...template, failedItems: 'stop' }, input).run()).rejects.toMatchObject({
			message: expect.stringContaining('Merge tag {{contact.email}} has no value in this item'),
			context: { itemIndex: 2 },
		});
		expect(receiver.requests).toHaveLength(0);

		const [delivered, , failed] = await execute(template, input, { continueOnFail: true }).run();
		expect(bodies()).toEqual([[{ email: 'a@x' }, { email: 'b@x' }, { email: 'd@x' }]]);
		expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 3 }]);
		expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 2 }]);
		expect(failed[0].json.error).toMatchObject({ code: 'ERR_INVALID_REQUEST', field: 'Body Template' });
	});

	it('applies Freshsales header rules to pasted lines', async () => {
		receiver.script({ status: 200 });
		await execute({ headerMode: 'lines', headerLines: 'X-Sample-CustomHeader1 : VALUE\nX-Api-Version: 2' }, items({})).run();
		expect(receiver.requests[0].headers).toMatchObject({ 'x-sample-customheader1': 'VALUE', 'x-api-version': '2' });
		await expect(
			execute({ headerLines: 'X-Sample Custom Header1: VALUE', headerMode: 'lines', failedItems: 'stop' }, items({})).run(),
		).rejects.toMatchObject({
			message: 'Header name "X-Sample Custom Header1" contains a space',
		});
	});

	it('never lets a line break from item data add a header to Pasted Lines', async () => {
		receiver.script({ status: 200 });
		const input = items({ note: 'hello' }, { note: 'hello\r\nX-Injected: evil' });
		const parameters = { headerMode: 'lines', headerLines: '=X-Note: {{ $json.note }}\nX-Api-Version: 2' };
		const [delivered, , failed] = await execute(parameters, input, { continueOnFail: true }).run();
		expect(receiver.requests).toHaveLength(1);
		expect(receiver.requests[0].headers).toMatchObject({ 'x-note': 'hello', 'x-api-version': '2' });
		expect(receiver.requests[0].headers['x-injected']).toBeUndefined();
		expect(delivered).toHaveLength(1);
		expect(failed[0].json.error).toMatchObject({
			code: 'ERR_INVALID_REQUEST',
			field: 'Custom Headers',
			message: expect.stringMatching(/^Header "X-Note" contains a line break or NUL character/),
		});

		receiver.script({ status: 200 });
		await expect(execute({ ...parameters, failedItems: 'stop' }, input).run()).rejects.toMatchObject({
			message: 'Header "X-Note" contains a line break or NUL character',
			context: { itemIndex: 1 },
		});
		expect(receiver.requests).toHaveLength(0);
	});

	it('shows the URL of an item that fails before sending without its query secrets', async () => {
		receiver.script({ status: 200 });
		const input = items({ url: 'example.com/hook?api_code=K3Y&token=T0K' }, { url: receiver.url('/hook?token=T0K'), header: 'Bad Name' });
		const [, , failed] = await execute(
			{
				authentication: 'apiKey',
				url: (i: number) => input[i].json.url,
				headers: { parameters: [{ name: (i: number) => input[i].json.header ?? 'X-Ok', value: 'v' }] },
			},
			input,
			{ credentials: { webhookApiKeyApi: { location: 'query', name: 'api_code', apiKey: 'cred-key' } }, continueOnFail: true },
		).run();
		expect(receiver.requests).toHaveLength(0);
		expect(failed.map((item) => (item.json.delivery as IDataObject).url)).toEqual([
			'example.com/hook?api_code=***&token=***',
			receiver.url('/hook?token=***'),
		]);
		expect((failed[0].json.error as IDataObject).message).toBe(
			'URL "example.com/hook?api_code=***&token=***" has no scheme. Add https:// (or http://) in front: https://example.com/hook?api_code=***&token=***',
		);
		// The item's own data keeps its URL; what the node adds does not repeat the secrets.
		expect(JSON.stringify(failed.map((item) => [item.json.delivery, item.json.error]))).not.toMatch(/K3Y|T0K/);
	});

	it('stops before sending anything when an expression fails for one item', async () => {
		receiver.script({ status: 200 });
		const idempotencyKey = (i: number) => {
			if (i === 1) throw new Error("Cannot read properties of undefined (reading 'id')");
			return `key-${i}`;
		};
		await expect(execute({ failedItems: 'stop', options: { idempotencyKey } }, items({}, {}, {})).run()).rejects.toMatchObject({
			message: "Cannot read properties of undefined (reading 'id')",
			context: { itemIndex: 1 },
		});
		expect(receiver.requests).toHaveLength(0);
	});

	it('says where Follow Redirects took a delivery, and that a POST turned into a GET without its body', async () => {
		receiver.script((request, res) => {
			if (request.url === '/hook') res.writeHead(301, { location: '/new-hook?access_token=T0KEN' }).end();
			else res.writeHead(200).end();
		});
		const [delivered] = await execute({ options: { followRedirects: true } }, items({ a: 1 })).run();
		expect(receiver.requests.map((request) => `${request.method} ${request.url} ${request.body.length}`)).toEqual([
			'POST /hook 7',
			'GET /new-hook?access_token=T0KEN 0',
		]);
		// Origin and path only: the query of a redirect may carry a signature.
		const to = `${receiver.url('/new-hook')}?…`;
		expect(JSON.stringify(delivered)).not.toContain('T0KEN');
		expect(delivered[0].json.delivery).toMatchObject({
			status: 'delivered',
			redirected: { to, method: 'GET', redirects: 1 },
			message: `Delivered: 200 after 1 attempt, redirected to ${to} as GET, without the body`,
		});
	});

	it("keeps the API key out of a redirect's Location, in the error and the response headers", async () => {
		receiver.script((request, res) => res.writeHead(301, { location: `https://example.com${request.url}` }).end());
		const [, , failed] = await execute({ authentication: 'apiKey', options: { includeResponseHeaders: true } }, items({}), {
			credentials: { webhookApiKeyApi: { location: 'query', name: 'api_code', apiKey: 'K3YSECRET' } },
		}).run();
		expect(receiver.requests[0].url).toBe('/hook?api_code=K3YSECRET');
		expect(failed[0].json).toMatchObject({
			response: { headers: { location: 'https://example.com/hook?api_code=***' } },
			error: { code: 'HTTP_301', message: expect.stringMatching(/Location: https:\/\/example\.com\/hook\?api_code=\*\*\*$/) },
		});
		expect(JSON.stringify(failed)).not.toContain('K3YSECRET');
	});

	it('sends XML built from fields, with query parameters and a redacted API key in the URL', async () => {
		receiver.script({ status: 200 });
		const [delivered] = await execute(
			{
				authentication: 'apiKey',
				encoding: 'xml',
				xmlRootElement: 'lead',
				content: 'fields',
				fields: {
					values: [
						{ name: 'contact.email', value: 'a@b.c' },
						{ name: 'deal.amount', value: 5 },
					],
				},
				queryParameters: { parameters: [{ name: 'entityType', value: 'Lead' }] },
			},
			items({}),
			{ credentials: { webhookApiKeyApi: { location: 'query', name: 'api_code', apiKey: 'k3y' } } },
		).run();
		const [request] = receiver.requests;
		expect(request.url).toBe('/hook?entityType=Lead&api_code=k3y');
		expect(request.headers['content-type']).toBe('application/xml; charset=utf-8');
		expect(request.body.toString()).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><lead><contact><email>a@b.c</email></contact><deal><amount>5</amount></deal></lead>',
		);
		expect((delivered[0].json.delivery as IDataObject).url).toBe(receiver.url('/hook?entityType=Lead&api_code=***'));
	});

	it('sends all items in one JSON array request', async () => {
		receiver.script({ status: 200 });
		const [delivered] = await execute({ encoding: 'jsonArray' }, items({ a: 1 }, { a: 2 }, { a: 3 })).run();
		expect(bodies()).toEqual([[{ a: 1 }, { a: 2 }, { a: 3 }]]);
		expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(new Set(delivered.map((item) => (item.json.delivery as IDataObject).idempotencyKey)).size).toBe(1);
	});

	it('keeps the key and attempts of JSON Array items back from Retry Later when fresh items come with them', async () => {
		receiver.script({ status: 503 });
		const parameters = { encoding: 'jsonArray', retry: { retryLaterThreshold: 0, baseDelay: 0.05, maxAttempts: 3 } };
		const [, retryLater] = await execute(parameters, items({ a: 1 }, { a: 2 })).run();
		const first = retryLater[0].json.delivery as IDataObject;

		receiver.script({ status: 200 });
		const [delivered] = await execute(parameters, [retryLater[0], ...items({ a: 3 }), retryLater[1]], { runIndex: 1 }).run();
		// The fresh item goes alone, under a key of its own; the resumed ones go together again, under theirs.
		const keyOf = (body: string) => receiver.requests.find((request) => request.body.toString() === body)?.headers['idempotency-key'];
		expect(receiver.requests).toHaveLength(2);
		expect(keyOf('[{"a":1},{"a":2}]')).toBe(first.idempotencyKey);
		expect(keyOf('[{"a":3}]')).toMatch(/^msg_/);
		expect(keyOf('[{"a":3}]')).not.toBe(first.idempotencyKey);
		expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const resumed = { idempotencyKey: first.idempotencyKey, attemptCount: 2, firstAttemptAt: first.firstAttemptAt };
		expect(delivered.map((item) => item.json.delivery)).toEqual([
			expect.objectContaining(resumed),
			expect.objectContaining({ idempotencyKey: keyOf('[{"a":3}]'), attemptCount: 1 }),
			expect.objectContaining(resumed),
		]);
	});

	it('sends JSON Array items to their own URL: one request per resolved URL, in input order', async () => {
		receiver.script({ status: 200 });
		const input = items({ tenant: 'a', n: 1 }, { tenant: 'b', n: 2 }, { tenant: 'a', n: 3 });
		const url = (itemIndex: number) => receiver.url(`/tenant/${input[itemIndex].json.tenant}`);
		const [delivered] = await execute({ encoding: 'jsonArray', url }, input).run();
		const sent = Object.fromEntries(receiver.requests.map((request) => [request.url, JSON.parse(request.body.toString())]));
		expect(receiver.requests).toHaveLength(2);
		expect(sent).toEqual({
			'/tenant/a': [
				{ tenant: 'a', n: 1 },
				{ tenant: 'a', n: 3 },
			],
			'/tenant/b': [{ tenant: 'b', n: 2 }],
		});
		expect(delivered.map((item) => (item.json.delivery as IDataObject).url)).toEqual([
			receiver.url('/tenant/a'),
			receiver.url('/tenant/b'),
			receiver.url('/tenant/a'),
		]);
		expect(delivered.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// Two requests, two keys: a receiver deduplicating by key must not drop either.
		const keys = delivered.map((item) => (item.json.delivery as IDataObject).idempotencyKey);
		expect(keys[0]).toBe(keys[2]);
		expect(keys[1]).not.toBe(keys[0]);
	});

	it('sends JSON Array items with different custom headers in separate requests, each with its own headers', async () => {
		receiver.script({ status: 200 });
		const input = items({ account: 'acct-A' }, { account: 'acct-B' });
		const headers = { parameters: [{ name: 'X-Account', value: (itemIndex: number) => input[itemIndex].json.account }] };
		await execute({ encoding: 'jsonArray', headers }, input).run();
		const sent = receiver.requests.map((request) => [request.headers['x-account'], JSON.parse(request.body.toString())]);
		expect(sent.sort()).toEqual([
			['acct-A', [{ account: 'acct-A' }]],
			['acct-B', [{ account: 'acct-B' }]],
		]);
	});

	it('gives every item of a JSON Array request its own copy of the results, and the answer body to the first only', async () => {
		receiver.script({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true,"receipt":"r-1"}' });
		const capture = { captureLanguage: 'jsonPath', captureOnSuccess: { values: [{ name: 'receipt', expression: '$.receipt' }] } };
		const [delivered] = await execute({ encoding: 'jsonArray', ...capture }, items({ a: 1 }, { a: 2 }, { a: 3 })).run();
		(delivered[0].json.delivery as IDataObject).status = 'changed';
		((delivered[0].json.delivery as IDataObject).attempts as IDataObject[]).push({ number: 99 });
		(delivered[0].json.captured as IDataObject).receipt = 'changed';
		expect(delivered[0].json.response).toMatchObject({ statusCode: 200, body: { ok: true, receipt: 'r-1' } });
		for (const later of delivered.slice(1)) {
			expect(later.json).toMatchObject({
				delivery: { status: 'delivered', attemptCount: 1 },
				response: { statusCode: 200, bodyInItem: 0 },
				captured: { receipt: 'r-1' },
			});
			expect(later.json.response).not.toHaveProperty('body');
			expect((later.json.delivery as IDataObject).attempts).toHaveLength(1);
		}
	});

	it('renders templates with values escaped for JSON', async () => {
		receiver.script({ status: 200 });
		await execute(
			{ content: 'template', template: '{"email": "{{contact.email}}", "vip": {{contact.vip}}}' },
			items({ contact: { email: 'x"}, "admin": true, "y": "', vip: true } }),
		).run();
		expect(bodies()).toEqual([{ email: 'x"}, "admin": true, "y": "', vip: true }]);
	});

	it('counts a 200 whose body stops arriving as delivered, once, with the body it got (a retry would be a duplicate)', async () => {
		receiver.script((_request, response) => {
			response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
			response.write('{"ok":');
		});
		const [delivered] = await execute({ options: { timeout: 1 } }, items({ a: 1 })).run();
		expect(receiver.requests).toHaveLength(1);
		expect(delivered[0].json).toMatchObject({
			delivery: { status: 'delivered', attemptCount: 1, finalStatusCode: 200 },
			response: {
				statusCode: 200,
				body: '{"ok":',
				incomplete: 'the rest of the body did not arrive within the 1 s timeout',
				parseError: 'the body is incomplete (the rest of the body did not arrive within the 1 s timeout) and is shown as text',
			},
		});
	});

	it('captures values from the response', async () => {
		receiver.script({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":{"id":"inv_1"}}' });
		const [delivered] = await execute(
			{ captureLanguage: 'jsonPath', captureOnSuccess: { values: [{ name: 'invoiceId', expression: '$.data.id' }] } },
			items({}),
		).run();
		expect(delivered[0].json.captured).toEqual({ invoiceId: 'inv_1' });
	});

	it('keeps items delivered when a capture expression fails on the real response, on success and failure alike', async () => {
		receiver.script({ status: 200, headers: { 'content-type': 'application/xml' }, body: '<r><a>1</a></r>' });
		const capture = { values: [{ name: 'x', expression: '//a[substring()]' }] };
		const outputs = await execute({ captureLanguage: 'xPath', captureOnSuccess: capture, captureOnFailure: capture }, items({}, {})).run();
		expect(outputs.map((output) => output.length)).toEqual([2, 0, 0]);
		expect(outputs[0][1].json).toMatchObject({
			captured: { x: null },
			delivery: {
				status: 'delivered',
				capture: { unmatched: ['x'], error: expect.stringContaining('"x" could not run on this response') },
			},
		});
	});

	it('logs every attempt without secrets', async () => {
		receiver.script({ status: 500 }, { status: 200 });
		const { run, logs } = execute({ authentication: 'apiKey', retry: { baseDelay: 0.01 } }, items({}), {
			credentials: { webhookApiKeyApi: { location: 'query', name: 'token', apiKey: 'very-secret' } },
		});
		await run();
		expect(logs.map((line) => line.level)).toEqual(['info', 'debug']);
		expect(logs[0].message).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/hook\?token=\*\*\* attempt 1\/5 → 500 \(retry\)/);
		expect(JSON.stringify(logs)).not.toContain('very-secret');
	});

	it('explains invalid node settings', async () => {
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ retry: { backoff: 'schedule', schedule: '1m,soon' } }, /"soon" is not a duration/],
			[{ retry: { retryOnStatuses: '5xx' } }, /"5xx" is not an HTTP status/],
			[{ encoding: 'xml', xmlRootElement: '1root' }, /not a valid XML element name/],
			[{ captureLanguage: 'xPath', captureOnSuccess: { values: [{ name: 'a', expression: '//a[' }] } }, /not a valid XPath/],
			[
				{ captureLanguage: 'xPath', captureOnSuccess: { values: [{ name: 'x', expression: '//a[$x]' }] } },
				/^Capture On Success "x": the XPath uses the variable \$x/,
			],
			[{ options: { idempotencyHeader: 'Bad Header' } }, /not a valid header name/],
			[{ options: { idempotencyHeader: 'Transfer-Encoding' } }, /Header "Transfer-Encoding" is set by the node itself/],
		];
		for (const [parameters, message] of cases) {
			await expect(execute(parameters, items({})).run()).rejects.toMatchObject({ message: expect.stringMatching(message) });
		}
		await expect(
			execute({ authentication: 'basicAuth' }, items({}), { credentials: { webhookBasicAuthApi: { user: 'a:b', password: 'p' } } }).run(),
		).rejects.toMatchObject({
			message: expect.stringMatching(/colon/),
		});
	});

	it('puts every item on the Failed output when the settings are invalid and Continue On Fail is on', async () => {
		const outputs = await execute({ retry: { retryOnStatuses: '5xx' } }, items({ a: 1 }, { a: 2 }), { continueOnFail: true }).run();
		expect(outputs.map((output) => output.length)).toEqual([0, 0, 2]);
		expect(outputs[2][1]).toEqual({
			json: {
				a: 2,
				error: { code: 'ERR_INVALID_CONFIGURATION', message: expect.stringMatching(/"5xx" is not an HTTP status.*Retry On Statuses/) },
			},
			pairedItem: { item: 1 },
		});
	});
});
