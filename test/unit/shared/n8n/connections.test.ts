import type { IExecuteFunctions } from 'n8n-workflow';

import { isOutputConnected } from '../../../../nodes/shared/n8n/connections';

/** n8n's connectionsByDestinationNode for: Sender output 0 → Log, output 2 → Alert; Other → Log. */
const INTO = {
	Log: {
		main: [
			[
				{ node: 'Sender', type: 'main', index: 0 },
				{ node: 'Other', type: 'main', index: 0 },
			],
		],
	},
	Alert: { main: [null, [{ node: 'Sender', type: 'main', index: 2 }]] },
} as Record<string, { main: unknown[] }>;

const context = (withConnections = true) =>
	({
		getChildNodes: () => ['Log', 'Alert'].map((name) => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1, disabled: false })),
		...(withConnections ? { getConnections: (node: { name: string }) => INTO[node.name]?.main ?? [] } : {}),
	}) as unknown as IExecuteFunctions;

describe('isOutputConnected', () => {
	it('tells which outputs of the node have a node connected', () => {
		expect([0, 1, 2].map((output) => isOutputConnected(context(), 'Sender', output))).toEqual([true, false, true]);
		expect(isOutputConnected(context(), 'Other', 2)).toBe(false);
	});

	it('says it does not know on an n8n without getConnections', () => {
		expect(isOutputConnected(context(false), 'Sender', 2)).toBeUndefined();
	});
});
