import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../shared/auth';
import { webhookCredentialTest } from '../shared/n8n/credentialTests';
import { runDeliveries } from '../shared/outbound/runner';
import { properties } from './description';
import { prepareJobs } from './jobs';
import { failedItem, routeResults } from './outputs';
import { configError, readSettings } from './settings';

const credential = (name: string, show: Record<string, Array<string | boolean>>) => ({
	name,
	required: true,
	displayOptions: { show },
	testedBy: 'webhookCredentialTest',
});

export class OutboundWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outbound Webhook',
		name: 'outboundWebhook',
		icon: { light: 'file:outboundWebhook.svg', dark: 'file:outboundWebhook.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["method"] + " " + $parameter["url"]}}',
		description: 'Send CRM data to a callback URL: signed, captured, and retried durably',
		defaults: { name: 'Outbound Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Delivered', 'Retry Later', 'Failed'],
		credentials: [
			credential(CREDENTIAL_TYPES.basicAuth, { authentication: ['basicAuth'] }),
			credential(CREDENTIAL_TYPES.apiKey, { authentication: ['apiKey'] }),
			credential(CREDENTIAL_TYPES.bearerToken, { authentication: ['bearerToken'] }),
			credential(CREDENTIAL_TYPES.signingSecret, { signRequests: [true] }),
		],
		properties,
	};

	methods = { credentialTest: { webhookCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (items.length === 0) return [[], [], []];
		const settings = await readSettings(this).catch((error: Error) => error);
		if (settings instanceof Error) {
			if (!this.continueOnFail()) throw settings;
			// n8n would put the error on the first output, which reads as "Delivered"; Failed is where it belongs.
			return [[], [], items.map((item, itemIndex) => failedItem(item, itemIndex, settings))];
		}
		const stopOnFailure = settings.failedItems === 'stop' && !this.continueOnFail();
		const jobs = prepareJobs(this, settings, items, (error, itemIndex) => {
			// Stop before anything is sent: the configuration is wrong for this item.
			if (stopOnFailure) throw configError(this, error, itemIndex);
		});
		// Read once: n8n's getNode() deep-copies the node, which per attempt cost more than the request's own client work.
		const nodeName = this.getNode().name;
		const results = await runDeliveries(jobs, {
			...settings,
			signal: this.getExecutionCancelSignal(),
			log: (event) => {
				const message = `Outbound Webhook: ${event.method} ${event.url} attempt ${event.attempt}/${event.maxAttempts} → ${event.statusCode ?? event.errorCode} (${event.outcome})`;
				const meta = { ...event, node: nodeName };
				if (event.outcome === 'delivered') this.logger.debug(message, meta);
				else if (event.outcome === 'failed') this.logger.warn(message, meta);
				else this.logger.info(message, meta);
			},
		});
		const outputs = routeResults(items, jobs, results);
		if (stopOnFailure && outputs[2].length > 0) {
			const failed = outputs[2][0];
			const itemIndex = (failed.pairedItem as { item: number }).item;
			const error = failed.json.error as { code: string; message: string };
			throw new NodeOperationError(this.getNode(), `Item ${itemIndex} could not be delivered: ${error.message}`, {
				itemIndex,
				description: `${outputs[2].length} of ${items.length} items failed (first: ${error.code}). Items delivered before the failure keep their idempotency key if the node is retried.`,
			});
		}
		return outputs;
	}
}
