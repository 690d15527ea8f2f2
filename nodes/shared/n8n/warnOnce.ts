import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

type NodeContext = Pick<IWebhookFunctions | IHookFunctions, 'getWorkflow' | 'getNode' | 'logger'>;

/** Topic and node already warned about; bounded by the nodes a process runs, so it needs no eviction. */
const warned = new Set<string>();

/**
 * Logs a warning about a node's setup once per topic, node and process: a setting that misbehaves on
 * every request must not fill n8n's log. The message starts with the node's name.
 */
export function warnOncePerNode(context: NodeContext, topic: string, message: string): void {
	const key = `${topic}:${context.getWorkflow().id ?? ''}:${context.getNode().id}`;
	if (warned.has(key)) return;
	warned.add(key);
	const node = context.getNode().name;
	context.logger.warn(`${node}: ${message}`, { workflowId: context.getWorkflow().id, node });
}
