import type { IExecuteFunctions, INode, NodeConnectionType } from 'n8n-workflow';

type ConnectionSource = { node: string; index: number } | null;

/**
 * n8n-core's execute context has `getConnections(destination, type)`, the connections into a node,
 * though IExecuteFunctions does not declare it (n8n-core node-execution-context.js, used by its AI
 * nodes). With `getChildNodes` it tells whether anything is wired to one of this node's outputs.
 */
type ConnectionReader = IExecuteFunctions & {
	getConnections?: (destination: INode, connectionType: NodeConnectionType) => Array<ConnectionSource[] | null>;
};

/**
 * Whether any node is connected to output `outputIndex` of the running node: true or false, or
 * undefined when this n8n does not say (an n8n without `getConnections`).
 */
export function isOutputConnected(context: IExecuteFunctions, nodeName: string, outputIndex: number): boolean | undefined {
	const reader = context as ConnectionReader;
	if (typeof reader.getConnections !== 'function' || typeof reader.getChildNodes !== 'function') return undefined;
	for (const child of reader.getChildNodes(nodeName)) {
		const inputs = reader.getConnections({ name: child.name } as INode, 'main') ?? [];
		for (const sources of inputs) {
			if (sources?.some((source) => source?.node === nodeName && source.index === outputIndex)) return true;
		}
	}
	return false;
}
