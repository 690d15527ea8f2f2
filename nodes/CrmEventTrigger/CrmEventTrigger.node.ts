import type {
	IHookFunctions,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CRM_PROFILES } from '../shared/crm';
import { hasOwn } from '../shared/prototypeKeys';
import { webhookCredentialTest } from '../shared/n8n/credentialTests';
import { dedupeStoreProblems, leaveDedupeStore } from '../shared/n8n/dedupe';
import { dedupeStoreCredentialTest } from '../shared/n8n/dedupeCredentialTest';
import { triggerPanel } from '../shared/n8n/triggerPanel';
import { PARSING_TAKEOVER_PROPERTY, validatingLifecycle, withoutThrowing } from '../shared/n8n/inboundWebhook';
import { fromParameter, nativeField, webhookDescriptionFields } from '../shared/n8n/nativeWebhookFields';
import { crmActionsProperty } from './actions';
import { configProblems, readConfig } from './config';
import { crmEventTriggerProperties, crmSettingsProperty } from './description';
import { handleCrmWebhook } from './handler';

/** Each CRM's methods, so the webhook is registered for exactly what that CRM sends. */
const METHODS_BY_CRM = Object.fromEntries(CRM_PROFILES.map((profile) => [profile.id, profile.httpMethods]));
/** The resolver twin of the httpMethod template below. */
const methodsOfCrm = (parameters: INodeParameters) => {
	const crm = String(parameters.crm);
	return (hasOwn(METHODS_BY_CRM, crm) && METHODS_BY_CRM[crm]) || 'POST';
};
const NAME_BY_CRM = Object.fromEntries(CRM_PROFILES.map((profile) => [profile.id, profile.displayName]));

export class CrmEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Event Trigger',
		name: 'crmEventTrigger',
		icon: { light: 'file:crmEventTrigger.svg', dark: 'file:crmEventTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		// The canvas says when anyone may start the workflow, as the Inbound trigger's "Verified: …" does.
		subtitle: `={{ (${JSON.stringify(NAME_BY_CRM)})[$parameter["crm"]] + ($parameter["authentication"] === "none" ? " · No Authentication" : "") }}`,
		// Short: the node creator shows it under every search; the CRM names are in the codex aliases.
		description: 'Starts the workflow on a verified webhook from your CRM, in one common event format',
		eventTriggerDescription: 'Waiting for a request to the Test URL (Webhook URLs, top of Parameters)',
		triggerPanel: triggerPanel(
			'the CRM',
			'Include the signature or key header that the setup notice names; with Authentication: None no header is needed.',
		),
		activationMessage: 'Paste the production URL into your CRM as the setup notice describes.',
		// n8n opens an http(s) documentationUrl as it is; the codex link gets its tracking query appended after the #.
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#crm-event-trigger',
		defaults: { name: 'CRM Event Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// Literal entries, one per choice (n8n's lint reads testedBy from here).
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
				name: 'webhookSigningSecretApi',
				required: true,
				displayOptions: { show: { authentication: ['signingSecret'] } },
				testedBy: 'webhookCredentialTest',
			},
			{
				name: 'webhookDedupeRedisApi',
				required: true,
				displayOptions: { show: { dedupeStore: ['redis'] } },
				testedBy: 'dedupeStoreCredentialTest',
			},
			{
				name: 'webhookDedupePostgresApi',
				required: true,
				displayOptions: { show: { dedupeStore: ['postgres'] } },
				testedBy: 'dedupeStoreCredentialTest',
			},
		],
		// Native resolvers: n8n 2.41+ reads these from the parameters without the expression engine.
		webhooks: [
			{
				name: 'default',
				responseMode: 'onReceived',
				// Empty: n8n sends the node's own body (see startWorkflow) with the status below.
				responseData: '',
				isFullPath: true,
				...webhookDescriptionFields({
					httpMethod: nativeField(`={{ (${JSON.stringify(METHODS_BY_CRM)})[$parameter["crm"]] || "POST" }}`, methodsOfCrm),
					// Every profile's default is 200.
					responseCode: fromParameter(['settings', 'responseCode'], 200),
					path: fromParameter('path', ''),
				}),
			},
		],
		properties: [
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: '',
				placeholder: 'e.g. salesos-deals (empty: a generated path)',
				description: 'The webhook URL path; leave empty for a generated one. Copy the URL above into the CRM.',
			},
			crmActionsProperty,
			...crmEventTriggerProperties,
			crmSettingsProperty,
			// n8n leaves the body unread, so the pipeline verifies and parses the exact bytes itself.
			PARSING_TAKEOVER_PROPERTY,
		],
	};

	methods = { credentialTest: { webhookCredentialTest, dedupeStoreCredentialTest } };

	// Nothing is registered in the CRM (the user pastes the URL, see the setup notice); publishing
	// checks the configuration instead.
	webhookMethods = validatingLifecycle(async (context: IHookFunctions) => {
		const config = await readConfig({
			getNodeParameter: (name, fallback) => context.getNodeParameter(name, fallback),
			getCredentials: async (type) => await context.getCredentials(type),
		});
		return [...configProblems(config), ...(await dedupeStoreProblems(context, config.options.deduplicate !== false))];
	}, leaveDedupeStore);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await withoutThrowing(this, async () => await handleCrmWebhook(this));
	}
}
