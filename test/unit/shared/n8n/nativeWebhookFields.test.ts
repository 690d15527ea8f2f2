import type { INodeParameters, INodeType, INodeTypes, IWebhookDescription } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { InboundWebhookTrigger } from '../../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';
import type { NativeField } from '../../../../nodes/shared/n8n/nativeWebhookFields';
import { fromParameter, nativeField, WEBHOOK_RESOLVERS, webhookDescriptionFields } from '../../../../nodes/shared/n8n/nativeWebhookFields';

/**
 * Each field's resolver must give what n8n's engine gives for its template, on the node's
 * parameters with the defaults n8n's Workflow constructor fills in.
 */
function engineAndResolver(type: INodeType, parameters: INodeParameters) {
	const nodeTypes: INodeTypes = {
		getByName: () => type,
		getByNameAndVersion: () => type,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const node = { id: 'n1', name: 'Trigger', type: 'test.trigger', typeVersion: 1, position: [0, 0] as [number, number], parameters };
	const workflow = new Workflow({ id: 'wf', nodes: [node], connections: {}, active: false, nodeTypes });
	const withDefaults = workflow.nodes.Trigger;
	const description = type.description.webhooks![0] as IWebhookDescription & { [WEBHOOK_RESOLVERS]: Record<string, NativeField> };
	const resolvers = description[WEBHOOK_RESOLVERS];
	return Object.keys(resolvers).map((field) => ({
		field,
		engine: workflow.expression.getSimpleParameterValue(
			withDefaults,
			description[field as keyof IWebhookDescription] as string,
			'internal',
			{},
		),
		native: resolvers[field].resolve(withDefaults.parameters),
	}));
}

describe('native webhook-description fields', () => {
	it('keeps the template next to its resolver under the global symbol n8n 2.41 reads', () => {
		const fields = webhookDescriptionFields({ path: fromParameter('path'), code: fromParameter(['settings', 'responseCode'], 200) });
		expect(fields.path).toBe('={{$parameter["path"]}}');
		expect(fields.code).toBe('={{$parameter["settings"]["responseCode"] || 200}}');
		expect(WEBHOOK_RESOLVERS).toBe(Symbol.for('n8n.webhookDescriptionResolvers'));
		expect(fields[WEBHOOK_RESOLVERS].code.template).toBe(fields.code);
		// Invisible to what older n8n and the editor read.
		expect(Object.keys(fields)).toEqual(['path', 'code']);
		expect(JSON.parse(JSON.stringify(fields))).toEqual({ path: fields.path, code: fields.code });
	});

	it('applies the fallback with JavaScript truthiness and walks into a missing parent', () => {
		const code = fromParameter(['settings', 'responseCode'], 200);
		expect(code.resolve({ settings: { responseCode: 202 } })).toBe(202);
		expect(code.resolve({ settings: { responseCode: 0 } })).toBe(200);
		expect(code.resolve({})).toBe(200);
		expect(fromParameter(['settings', 'responseCode']).resolve({})).toBeUndefined();
		expect(nativeField('={{1}}', () => 1).resolve({})).toBe(1);
	});

	it.each<[string, INodeParameters]>([
		['defaults', {}],
		[
			'several methods and an answer after the last node',
			{ httpMethod: ['POST', 'PUT'], path: 'in/x', responseMode: 'lastNode', responseCode: 202, lastNodeResponseData: 'allEntries' },
		],
		['an immediate answer', { httpMethod: ['GET'], path: 'y', responseMode: 'onReceived', responseCode: 204 }],
	])('Inbound Webhook Trigger: the resolvers equal the engine (%s)', (_name, parameters) => {
		for (const { field, engine, native } of engineAndResolver(new InboundWebhookTrigger(), parameters)) {
			expect({ field, value: native }).toEqual({ field, value: engine });
		}
	});

	it.each<[string, INodeParameters]>([
		['defaults', {}],
		['HighLevel with a path', { crm: 'highLevel', path: 'hl' }],
		['LeadSquared with its own answer status', { crm: 'leadSquared', path: 'ls', settings: { responseCode: 202 } }],
		['an unknown CRM', { crm: 'nope' }],
	])('CRM Event Trigger: the resolvers equal the engine (%s)', (_name, parameters) => {
		const results = engineAndResolver(new CrmEventTrigger(), parameters);
		expect(results.map(({ field }) => field).sort()).toEqual(['httpMethod', 'path', 'responseCode']);
		for (const { field, engine, native } of results) {
			expect({ field, value: native }).toEqual({ field, value: engine });
		}
	});

	it('leaves no template without a resolver in either trigger (n8n would fall back to the engine)', () => {
		for (const type of [new InboundWebhookTrigger(), new CrmEventTrigger()]) {
			const description = type.description.webhooks![0] as IWebhookDescription & { [WEBHOOK_RESOLVERS]: Record<string, NativeField> };
			for (const [field, value] of Object.entries(description)) {
				if (typeof value === 'string' && value.startsWith('=')) expect(description[WEBHOOK_RESOLVERS][field]?.template).toBe(value);
			}
		}
	});
});
