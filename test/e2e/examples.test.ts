import fs from 'node:fs';
import path from 'node:path';

import type { CredentialJson, TestN8n, WorkflowJson } from '../n8n/harness';
import { startN8n } from '../n8n/harness';
// The same requests `node examples/send-example-events.js` sends after `npm start`.
import { exampleRequests } from '../../examples/send-example-events';

/**
 * The shipped examples, exactly as `npm start` imports them: every examples/*.json workflow and
 * examples/credentials.json go into a real n8n, are published, and each example is driven once
 * with a real request. The stand-in receivers answer on the same n8n, so each story runs end to end.
 */
const EXAMPLES_DIR = path.join(__dirname, '../../examples');
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as T;
const workflows = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json') && file !== 'credentials.json')
	.map((file) => readJson<WorkflowJson>(file));
const credentials = readJson<CredentialJson[]>('credentials.json');
const idOf = (name: string) => {
	const found = workflows.find((candidate) => candidate.name.startsWith(name));
	if (!found) throw new Error(`No example named "${name}…"`);
	return found.id;
};

jest.setTimeout(300_000);

let n8n: TestN8n;
let requests: ReturnType<typeof exampleRequests>;

beforeAll(async () => {
	n8n = await startN8n({ workflows, credentials });
	requests = exampleRequests(n8n.baseUrl);
}, 600_000);

afterAll(async () => {
	await n8n?.stop();
});

async function send(name: keyof ReturnType<typeof exampleRequests>) {
	const { url, init } = requests[name];
	const response = await fetch(url, init);
	return { status: response.status, text: await response.text() };
}

/** The single execution of a workflow once it has settled, with its run data. */
async function onlyExecution(workflowName: string, count = 1, timeoutMs = 60_000) {
	const executions = await n8n.waitForExecutions(idOf(workflowName), count, timeoutMs);
	expect(executions).toHaveLength(count);
	expect(executions.map((execution) => execution.status)).toEqual(executions.map(() => 'success'));
	return await n8n.executionData(executions[0].id);
}

/** The newest execution of the stand-in receivers, with its run data. */
async function newestStandInExecution() {
	const executions = await n8n.executions(idOf('Example: Stand-In'));
	return await n8n.executionData(executions[0].id);
}

/** Unpublishes a workflow (its webhooks are answered 404) or publishes its current version again. */
async function setPublished(workflowId: string, published: boolean) {
	if (!published) {
		await n8n.rest(`workflows/${workflowId}/deactivate`, { method: 'POST', body: '{}' });
		return;
	}
	const { versionId } = await n8n.rest<{ versionId: string }>(`workflows/${workflowId}`);
	await n8n.rest(`workflows/${workflowId}/activate`, { method: 'POST', body: JSON.stringify({ versionId }) });
	await n8n.waitForPublication([workflowId]);
}

type Row = Record<string, unknown>;
interface DataTable {
	id: string;
	projectId: string;
}

/** The replay example's data table, which its workflow created on first use. */
async function failedDeliveriesTable(): Promise<DataTable> {
	const filter = encodeURIComponent(JSON.stringify({ name: 'Failed Deliveries' }));
	const { data } = await n8n.rest<{ data: Array<DataTable & { name: string }> }>(`data-tables-global?filter=${filter}`);
	const tables = data.filter((table) => table.name === 'Failed Deliveries');
	expect(tables).toHaveLength(1);
	return tables[0];
}

async function rowsOf(table: DataTable): Promise<Row[]> {
	return (await n8n.rest<{ data: Row[] }>(`projects/${table.projectId}/data-tables/${table.id}/rows`)).data;
}

const withoutSystemColumns = ({ id, createdAt, updatedAt, ...row }: Row) => row;

/** The one item the replay node sent in the newest of `count` executions of the replay example, once the row was deleted. */
async function replayOutcome(workflowId: string, count: number) {
	const executions = await n8n.waitForExecutions(workflowId, count);
	expect(executions.map((execution) => execution.status)).toEqual(executions.map(() => 'success'));
	const { nodes } = await n8n.executionData(executions[0].id);
	const [delivered, ...more] = nodes['Replay with Stored Key'][0].outputs[0] as Array<{ response: { body: Row } }>;
	expect(more).toEqual([]);
	expect(nodes['Delete Replayed Row'][0].outputs[0]).toHaveLength(1);
	return delivered;
}

describe('the shipped examples in real n8n', () => {
	it('every example and credential is valid for import and publishing', () => {
		expect(workflows.map((workflow) => workflow.id).sort()).toEqual(
			[
				'exInboundMapping',
				'exLsqLeadToEmail',
				'exReplayFailures',
				'exReplayReceiver',
				'exRetryLaterLoop',
				'exSalesOsInvoice',
				'exStandInReceivr',
			].sort(),
		);
		for (const workflow of workflows) {
			expect(workflow.nodes.some((node) => node.type === 'n8n-nodes-base.stickyNote')).toBe(true);
		}
		expect(credentials.every((credential) => credential.name.startsWith('Example '))).toBe(true);
	});

	it('SalesOS deal won → signed XML invoice request → invoice id captured by XPath', async () => {
		expect(await send('salesos')).toEqual({ status: 200, text: '{"received":true}' });

		const { nodes } = await onlyExecution('Example: SalesOS');
		const [requested] = nodes['Request Invoice'][0].outputs[0];
		expect(requested).toMatchObject({
			event: 'opportunity.won',
			delivery: { status: 'delivered', attemptCount: 1, finalStatusCode: 201, idempotencyKey: 'evt_example_won_1' },
			captured: { invoiceId: 'INV-OPP_9D1E77' },
		});
		expect(nodes['Invoice Requested'][0].outputs[0]).toEqual([{ dealId: 'opp_9d1e77', invoiceId: 'INV-OPP_9D1E77' }]);

		// The accounting stand-in verified the signature over the XML it received.
		const standIn = await newestStandInExecution();
		const [received] = standIn.nodes['Accounting System'][0].outputs[0];
		expect(received).toMatchObject({
			body: { invoicerequest: { dealid: 'opp_9d1e77', amount: '48000', currency: 'USD', customer: { accountid: 'acc_31ab02' } } },
			headers: { 'content-type': 'application/xml; charset=utf-8', 'x-webhook-signature': '[redacted]' },
			meta: { verifiedBy: 'hmac-sha256' },
		});

		// SalesOS retries the same event: the trigger answers it and starts nothing.
		expect((await send('salesos')).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(await n8n.executions(idOf('Example: SalesOS'))).toHaveLength(1);
	});

	it('LeadSquared lead created → JSON to the e-mail tool with a bearer token', async () => {
		expect(await send('leadsquared')).toEqual({ status: 200, text: '{"Status":"Success","StatusReason":""}' });

		const { nodes } = await onlyExecution('Example: LeadSquared');
		const [subscribed] = nodes['Add to E-mail List'][0].outputs[0];
		expect(subscribed).toMatchObject({
			event: 'lead.created',
			object: { type: 'lead', id: 'a311900c-0e56-4601-b580-f931645e7b32' },
			delivery: { status: 'delivered', finalStatusCode: 201 },
			captured: { subscription: 'subscribed' },
		});
		expect(nodes.Subscribed[0].outputs[0]).toHaveLength(1);

		const emailTool = await newestStandInExecution();
		expect(emailTool.nodes['E-mail Tool'][0].outputs[0][0]).toMatchObject({
			body: {
				email: 'sachin.one@example.com',
				firstName: 'Sachin',
				lastName: 'One',
				list: 'new-leads',
				source: 'LeadSquared',
				leadId: 'a311900c-0e56-4601-b580-f931645e7b32',
			},
			headers: { authorization: '[redacted]' },
			meta: { verifiedBy: 'bearer-token' },
		});
	});

	it('Retry Later → Wait → retry delivers to the busy receiver on the second attempt', async () => {
		expect((await send('retry')).status).toBe(200);

		const { nodes } = await onlyExecution('Example: Retry Later', 1, 90_000);
		const runs = nodes['Send to Busy Receiver'];
		expect(runs.map((run) => run.outputs.map((items) => items.length))).toEqual([
			[0, 1, 0],
			[1, 0, 0],
		]);
		const laterItem = runs[0].outputs[1][0] as { delivery: { nextAttemptAt: string } };
		expect(laterItem).toMatchObject({ delivery: { status: 'retry_later', attempts: [{ statusCode: 503 }] } });
		expect(runs[1].outputs[0][0]).toMatchObject({
			delivery: { status: 'delivered', attemptCount: 2, attempts: [{ statusCode: 503 }, { statusCode: 200 }] },
			response: { body: { received: true, duplicate: true } },
		});
		expect(nodes['Wait Until Next Attempt']).toHaveLength(1);
		expect(nodes.Delivered[0].outputs[0]).toHaveLength(1);
	});

	it('inbound webhook with field mapping outputs only the mapped fields', async () => {
		expect(await send('mapping')).toEqual({ status: 200, text: '{"received":true}' });

		const { nodes } = await onlyExecution('Example: Inbound');
		const [mapped] = nodes['Mapped Contact'][0].outputs[0];
		expect(mapped).toEqual({
			email: 'johndeo@example.com',
			firstName: 'John',
			lastName: 'Deo',
			phone: '+15551234567',
			crmContactId: 'cJAWDskpkJHbRbhAT7bs',
			source: 'Website enquiry',
			meta: expect.objectContaining({ verifiedBy: 'bearer-token' }),
		});
	});

	it('a failed delivery is stored with its key, replayed once with the same key, and a repeat of that key is dropped', async () => {
		const sender = idOf('Example: Replay');
		const receiver = idOf('Example: Order System');

		// The receiver is down: n8n answers 404 for its URL, and the order lands in the data table.
		await setPublished(receiver, false);
		expect(await send('order')).toEqual({ status: 200, text: '{"received":true}' });
		const first = await onlyExecution('Example: Replay');
		const [failed] = first.nodes['Send to Order System'][0].outputs[2] as Array<{ delivery: { idempotencyKey: string } }>;
		expect(failed).toMatchObject({ delivery: { status: 'failed', finalStatusCode: 404, method: 'POST' } });
		const key = failed.delivery.idempotencyKey;
		expect(key).toMatch(/^msg_[0-9a-f]{32}$/);
		const table = await failedDeliveriesTable();
		const [stored, ...others] = await rowsOf(table);
		expect(others).toEqual([]);
		expect(stored).toMatchObject({
			idempotencyKey: key,
			url: n8n.webhookUrl('example-order-system'),
			method: 'POST',
			reason: expect.stringContaining('404'),
			failedAt: expect.any(String),
		});
		expect(JSON.parse(stored.payload as string)).toEqual({ orderId: 'ORD-2001', total: 99.5, currency: 'EUR' });

		// The receiver is back: the replay delivers the order once, with the key of the first attempt, and deletes the row.
		await setPublished(receiver, true);
		expect((await send('replay')).status).toBe(200);
		const replayed = await replayOutcome(sender, 2);
		expect(replayed).toMatchObject({ delivery: { status: 'delivered', idempotencyKey: key }, response: { body: { received: true } } });
		expect(replayed.response.body).not.toHaveProperty('duplicate');
		const [received] = await n8n.waitForExecutions(receiver, 1);
		const [order] = (await n8n.executionData(received.id)).nodes['Order System'][0].outputs[0];
		expect(order).toMatchObject({
			body: { orderId: 'ORD-2001', total: 99.5, currency: 'EUR' },
			headers: { 'idempotency-key': key },
			meta: { eventId: key },
		});
		expect(await rowsOf(table)).toEqual([]);

		// The same row again, as if the answer had been lost or n8n had stopped before deleting it:
		// the receiver recognises the key, answers 200 with a duplicate flag and starts nothing.
		await n8n.rest(`projects/${table.projectId}/data-tables/${table.id}/insert`, {
			method: 'POST',
			body: JSON.stringify({ data: [{ ...withoutSystemColumns(stored), reason: 'answer lost' }] }),
		});
		expect((await send('replay')).status).toBe(200);
		const repeated = await replayOutcome(sender, 3);
		expect(repeated).toMatchObject({
			delivery: { status: 'delivered', idempotencyKey: key },
			response: { body: { received: true, duplicate: true } },
		});
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await n8n.executions(receiver)).toHaveLength(1);
		expect(await rowsOf(table)).toEqual([]);
	});

	it('wrong secrets are refused and start nothing', async () => {
		const before = await n8n.executions(idOf('Example: Inbound'));
		const { url, init } = requests.mapping;
		const forged = await fetch(url, { ...init, headers: { ...init.headers, authorization: 'Bearer guess' } });
		expect(forged.status).toBe(401);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await n8n.executions(idOf('Example: Inbound'))).toHaveLength(before.length);
	});
});
