import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { OutboundAuth } from '../shared/auth';
import { clientCertificateCredentialTest, oauth2CredentialTest, webhookCredentialTest } from '../shared/n8n/credentialTests';
import { dedupeStoreCredentialTest } from '../shared/n8n/dedupeCredentialTest';
import { isOutputConnected } from '../shared/n8n/connections';
import { endpointProtectionOf } from '../shared/n8n/endpointState';
import { isOutboundConfigError } from '../shared/outbound/errors';
import { receiverExcerpt, sentCredentialValues } from '../shared/outbound/receiverExcerpt';
import { runDeliveries } from '../shared/outbound/runner';
import { summarizeRun } from '../shared/outbound/summary';
import { properties } from './description';
import { prepareJobs } from './jobs';
import { failedItem, routeResults, withoutRetryLoop } from './outputs';
import { configError, readConfig } from './config';

export class OutboundWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Outbound Webhook',
		name: 'outboundWebhook',
		icon: { light: 'file:outboundWebhook.svg', dark: 'file:outboundWebhook.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["method"] + " " + $parameter["url"]}}',
		description: 'Send CRM data to a callback URL: signed, captured, and retried durably',
		// n8n opens an http(s) documentationUrl as it is; the codex link gets its tracking query appended after the #.
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#outbound-webhook',
		defaults: { name: 'Outbound Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Delivered', 'Retry Later', 'Failed'],
		credentials: [
			// Literal entries, one per choice, as in the triggers (n8n's lint reads testedBy from here).
			{
				name: 'webhookBasicAuthApi',
				required: true,
				displayOptions: { show: { authentication: ['basicAuth'] } },
				testedBy: 'webhookCredentialTest',
			},
			{
				name: 'webhookApiKeyApi',
				required: true,
				displayOptions: { show: { authentication: ['apiKey'] } },
				testedBy: 'webhookCredentialTest',
			},
			{
				name: 'webhookBearerTokenApi',
				required: true,
				displayOptions: { show: { authentication: ['bearerToken'] } },
				testedBy: 'webhookCredentialTest',
			},
			{
				name: 'webhookClientOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oauth2ClientCredentials'] } },
				testedBy: 'oauth2CredentialTest',
			},
			{
				name: 'webhookSigningSecretApi',
				required: true,
				displayOptions: { show: { signRequests: [true] } },
				testedBy: 'webhookCredentialTest',
			},
			{
				name: 'webhookClientCertificateApi',
				required: true,
				displayOptions: { show: { clientCertificate: [true] } },
				testedBy: 'clientCertificateCredentialTest',
			},
			// The rate limit and circuit breaker share their state through the dedupe stores' credentials.
			{
				name: 'webhookDedupeRedisApi',
				required: true,
				displayOptions: { show: { sharedStateStore: ['redis'] } },
				testedBy: 'dedupeStoreCredentialTest',
			},
			{
				name: 'webhookDedupePostgresApi',
				required: true,
				displayOptions: { show: { sharedStateStore: ['postgres'] } },
				testedBy: 'dedupeStoreCredentialTest',
			},
		],
		properties,
	};

	methods = { credentialTest: { webhookCredentialTest, clientCertificateCredentialTest, oauth2CredentialTest, dedupeStoreCredentialTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (items.length === 0) return [[], [], []];
		const config = await readConfig(this).catch((error: Error) => error);
		if (config instanceof Error) {
			if (!this.continueOnFail()) throw config;
			// n8n would put the error on the first output, which reads as "Delivered"; Failed is where it belongs.
			return [[], [], items.map((item, itemIndex) => failedItem(item, itemIndex, config))];
		}
		// Read once: n8n's getNode() deep-copies the node, which per attempt cost more than the request's own client work.
		const nodeName = this.getNode().name;
		// A configuration error is never a delivery result: it fails the node whatever Failed Items says.
		const jobs = prepareJobs(this, config, items, (error, itemIndex) => {
			if (!this.continueOnFail()) throw configError(this, error, itemIndex);
		});
		// Someone clicking "Execute step" waits for an answer: one attempt, and the hint says what production does.
		const manual = this.getMode() === 'manual';
		const policy = manual ? { ...config.policy, maxAttempts: Math.min(config.policy.maxAttempts, 1) } : config.policy;
		const endpoints = await endpointProtectionOf(this, config.endpointSettings).catch((error: Error) => {
			throw isOutboundConfigError(error) ? configError(this, error) : error;
		});
		const sentTokens = new Set<string>();
		const results = await runDeliveries(jobs, {
			...config,
			sentTokens,
			endpoints,
			policy,
			signal: this.getExecutionCancelSignal(),
			log: (event) => {
				const message = `Outbound Webhook: ${event.method} ${event.url} attempt ${event.attempt}/${event.maxAttempts} → ${event.statusCode ?? event.errorCode} (${event.outcome})`;
				const meta = { ...event, node: nodeName };
				if (event.outcome === 'delivered') this.logger.debug(message, meta);
				else if (event.outcome === 'failed') this.logger.warn(message, meta);
				else this.logger.info(message, meta);
			},
		});
		// Detected as for Failed below: an n8n that cannot say counts as connected.
		const settled = isOutputConnected(this, nodeName, 1) === false ? withoutRetryLoop(jobs, results) : { results, notRetriedLater: 0 };
		const outputs = routeResults(items, jobs, settled.results, config.output);
		const hint = summarizeRun(
			{ delivered: outputs[0].length, retryLater: outputs[1].length, failed: outputs[2].length },
			// Said only when more attempts might have delivered an item, not for a 400 that no retry would fix.
			{
				notRetriedLater: settled.notRetriedLater,
				manualRunOf: manual && results.some((result) => result.gaveUp) ? config.policy.maxAttempts : undefined,
			},
		);
		// A failure nobody handles must not look like success: without a Failed branch the node fails.
		const failedHandled = config.failedItems === 'output' && isOutputConnected(this, nodeName, 2) !== false;
		if (outputs[2].length > 0 && !failedHandled && !this.continueOnFail())
			throw deliveryError(this, outputs, items.length, hint.message, { auth: config.auth, tokens: sentTokens });
		this.addExecutionHints?.({ message: hint.message, type: hint.type, location: 'outputPane' });
		return outputs;
	}
}

/** What the run sent that a receiver may echo: the credential's headers and query, and OAuth2 access tokens. */
interface SentCredentials {
	auth: OutboundAuth;
	tokens: ReadonlySet<string>;
}

/** The start of the receiver's answer to a failed item, masked; none when no answer came (`response` is then the input's). */
function receiverSaid(failed: INodeExecutionData, { auth, tokens }: SentCredentials): string {
	if ((failed.json.delivery as { finalStatusCode?: number | null } | undefined)?.finalStatusCode == null) return '';
	const body = (failed.json.response as { body?: unknown } | undefined)?.body;
	const excerpt = receiverExcerpt(body, [...sentCredentialValues(auth), ...tokens], Object.keys(auth.query));
	return excerpt ? ` Receiver answered: ${excerpt}` : '';
}

/** The error for undelivered items: the first item and its reason, then the counts and what to change. */
function deliveryError(
	context: IExecuteFunctions,
	outputs: INodeExecutionData[][],
	itemCount: number,
	summary: string,
	sent: SentCredentials,
): NodeOperationError {
	const failed = outputs[2][0];
	const itemIndex = (failed.pairedItem as { item: number }).item;
	const error = failed.json.error as { code: string; message: string };
	const handle =
		'To handle failures in the workflow instead, connect the Failed output (Failed Items: Send to the Failed Output) or turn on Settings › On Error: Continue.';
	const kept = outputs[0].length > 0 ? ' Items delivered before the failure keep their idempotency key if the node is retried.' : '';
	return new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex} could not be delivered: ${error.message}${receiverSaid(failed, sent)}`,
		{
			itemIndex,
			description: `${outputs[2].length} of ${itemCount} item${itemCount === 1 ? '' : 's'} failed (first: ${error.code}). ${summary}${kept} ${handle}`,
		},
	);
}
