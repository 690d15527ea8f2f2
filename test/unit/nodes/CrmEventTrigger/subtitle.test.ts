import type { INodeParameters, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';

/** The canvas subtitle as n8n's own expression engine renders it, on parameters with n8n's defaults filled in. */
function subtitleFor(parameters: INodeParameters): unknown {
	const type = new CrmEventTrigger();
	const nodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const node = { id: 'n1', name: 'CRM', type: 'test.crm', typeVersion: 1, position: [0, 0] as [number, number], parameters };
	const workflow = new Workflow({ id: 'wf', nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(workflow.nodes.CRM, type.description.subtitle as string, 'internal', {});
}

describe('CRM Event Trigger subtitle', () => {
	it('names the CRM, and says so on the canvas when anyone may start the workflow', () => {
		expect(subtitleFor({ crm: 'salesOs', authentication: 'signingSecret' })).toBe('SalesOS');
		expect(subtitleFor({ crm: 'highLevel', authentication: 'builtIn' })).toBe('HighLevel');
		expect(subtitleFor({ crm: 'freshsales', authentication: 'none' })).toBe('Freshsales · No Authentication');
	});
});
