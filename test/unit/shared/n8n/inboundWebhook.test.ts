import { EventEmitter } from 'node:events';

import type { IDataObject, INodeTypes, IWebhookFunctions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { dedupeScopeOf } from '../../../../nodes/shared/n8n/dedupe';

/**
 * Static data recorded in webhook() must be saved although n8n starts an execution, which (n8n
 * 2.41, WorkflowRunner.establishContextForPersistence) wraps the same static data object in a
 * second Workflow and so clears the "changed" flag live-webhooks.js checks before saving. Real
 * n8n-workflow objects, as n8n builds them for a webhook request.
 */
const nodeTypes = {
	getByName: () => ({ description: { properties: [] } }),
	getByNameAndVersion: () => ({ description: { properties: [], inputs: [], outputs: [] } }),
} as unknown as INodeTypes;
const node = { id: 'node-1', name: 'Inbound', type: 'test', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
const workflowOver = (staticData: IDataObject) =>
	new Workflow({ id: 'wf-static', nodes: [node], connections: {}, active: true, nodeTypes, staticData });

/** The part of a webhook context dedupeScopeOf reads. */
const contextOf = (workflow: Workflow) =>
	({
		getWorkflow: () => ({ id: workflow.id }),
		getNode: () => node,
		getMode: () => 'webhook',
		getNodeParameter: (_name: string, fallback: unknown) => fallback,
		getWorkflowStaticData: () => workflow.getStaticData('node', node),
		getResponseObject: () => new EventEmitter(),
	}) as unknown as IWebhookFunctions;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const options = { windowSeconds: 3600, maxEntries: 100 };

describe('dedupeScopeOf: ids recorded in webhook() survive n8n starting the execution', () => {
	it('marks the static data changed again after n8n has reset the flag', async () => {
		// As loaded from the database: ids of an earlier request are already there.
		const fromDatabase: IDataObject = {};
		const first = workflowOver(fromDatabase);
		await dedupeScopeOf(contextOf(first), options)?.seenBefore([{ eventId: 'evt_earlier', windowSeconds: 3600 }]);
		await nextTurn();
		const saved = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;

		const webhookWorkflow = workflowOver(saved);
		expect(await dedupeScopeOf(contextOf(webhookWorkflow), options)?.seenBefore([{ eventId: 'evt_new', windowSeconds: 3600 }])).toEqual([
			false,
		]);
		expect(webhookWorkflow.staticData.__dataChanged).toBe(true);
		// What WorkflowRunner.run() does with the same object when the execution starts.
		workflowOver(saved);
		expect(webhookWorkflow.staticData.__dataChanged).toBe(false);

		await nextTurn();
		expect(webhookWorkflow.staticData.__dataChanged).toBe(true);
		expect(JSON.stringify(webhookWorkflow.staticData)).toBe(JSON.stringify(saved));
	});

	it('changes no value when it marks', async () => {
		const workflow = workflowOver({});
		await dedupeScopeOf(contextOf(workflow), options)?.seenBefore([{ eventId: 'evt_1', windowSeconds: 3600 }]);
		const before = JSON.stringify(workflow.staticData);
		await nextTurn();
		expect(JSON.stringify(workflow.staticData)).toBe(before);
	});
});
