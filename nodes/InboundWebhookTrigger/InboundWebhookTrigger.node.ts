import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { AuthKind, CredentialData } from '../shared/auth';
import { CREDENTIAL_TYPES, signingFromCredential } from '../shared/auth';
import { credentialProblems, ed25519KeyAsSecretProblems } from '../shared/credentialProblems';
import { answerContent } from '../shared/http/jsonText';
import type { InboundAuth } from '../shared/inbound/authenticator';
import type { EventIdSource } from '../shared/inbound/eventId';
import { cachedFieldMapping, compileFieldMapping, mapFields, splitBodies } from '../shared/inbound/fieldMapping';
import type { AcceptedRequest } from '../shared/inbound/pipeline';
import { cachedInboundPolicy, compileInboundPolicy } from '../shared/inbound/policy';
import { redactHeaders, redactionList } from '../shared/inbound/redact';
import { webhookCredentialTest } from '../shared/n8n/credentialTests';
import { dedupeStoreProblems, leaveDedupeStore } from '../shared/n8n/dedupe';
import { dedupeStoreCredentialTest } from '../shared/n8n/dedupeCredentialTest';
import { answer, inboundAuthOf, receive, startWorkflow, validatingLifecycle, withoutThrowing } from '../shared/n8n/inboundWebhook';
import { triggerPanel } from '../shared/n8n/triggerPanel';
import { warnOncePerNode } from '../shared/n8n/warnOnce';
import { templateProblems } from '../shared/signatures/template';
import { inboundWebhookTriggerProperties, inboundWebhookTriggerWebhooks } from './description';
import type { InboundTriggerConfig } from './config';
import { LABELS, laterProblems, readConfig, responseProblems } from './config';

/** n8n bringing back workflows already published (at startup, or on a new leader in multi-main). */
const REACTIVATION = new Set<string>(['init', 'leadershipChange']);

/** Every configuration problem, named by parameter; checked when the workflow is published. */
async function configurationProblems(context: IHookFunctions): Promise<string[]> {
	const settings = readConfig(context);
	const problems = responseProblems(settings.response);
	const later = laterProblems(settings);
	if (REACTIVATION.has(context.getActivationMode())) {
		for (const problem of later) warnOncePerNode(context, problem, `${problem} (the workflow stays active until its next publish)`);
	} else problems.push(...later);
	for (const compile of [() => compileInboundPolicy(settings.inbound, LABELS), () => compileFieldMapping(settings.mapping)]) {
		try {
			compile();
		} catch (error) {
			problems.push((error as Error).message);
		}
	}
	const kind = context.getNodeParameter('authentication', 'none') as AuthKind;
	if (kind !== 'none') {
		const data = await context.getCredentials<CredentialData>(CREDENTIAL_TYPES[kind]);
		problems.push(...credentialProblems(kind, data).map((problem) => `Credential: ${problem}`));
		if (settings.signature?.scheme === 'template')
			problems.push(...templateProblems(settings.signature, signingFromCredential(data).secrets));
		// A preset or template replaces the credential's own scheme: a Standard Webhooks credential's keys must suit it
		// (those of other schemes were checked above).
		const imposed = kind === 'signingSecret' ? settings.signature?.scheme : undefined;
		if (imposed && signingFromCredential(data).config.scheme === 'standardWebhooks')
			problems.push(...ed25519KeyAsSecretProblems(imposed, data).map((problem) => `Credential: ${problem}`));
	}
	problems.push(...(await dedupeStoreProblems(context, settings.inbound.dedupe !== undefined)));
	return problems;
}

/**
 * Deduplication is on but the request had no usable id there (a wrong path, an XML element name in
 * capitals, an id that is not text or a number): the event is kept, not dropped, and the item and
 * n8n's log say it passed unchecked.
 */
function noteMissingEventId(context: IWebhookFunctions, source: EventIdSource, meta: IDataObject) {
	meta.eventIdMissing = true;
	const where = source.from === 'header' ? `header ${source.name}` : `${source.path} in the body`;
	warnOncePerNode(
		context,
		'eventIdMissing',
		`Deduplicate Events is on, but a request had no event ID at ${where} (text or a number, at most 1,024 characters), ` +
			'so it started the workflow without a duplicate check (meta.eventIdMissing). Check Event ID; XML element names are lower case.',
	);
}

/** One item per event: body (or each element of the split array), redacted headers, query, mapped fields, meta. */
async function itemsOf(
	context: IWebhookFunctions,
	accepted: AcceptedRequest,
	settings: InboundTriggerConfig,
	auth: InboundAuth,
	receivedAt: string,
): Promise<INodeExecutionData[]> {
	const headers = redactHeaders(accepted.headers, redactionList([...auth.secretHeaders, ...settings.output.redactHeaders]));
	// A key sent in the query must reach neither the item nor the field mapping.
	const query = auth.queryWithoutSecret(accepted.query);
	const meta: IDataObject = { receivedAt, verifiedBy: accepted.verification.scheme };
	if (accepted.clientIp) meta.clientIp = accepted.clientIp;
	if (accepted.eventId) meta.eventId = accepted.eventId;
	else if (settings.inbound.dedupe) noteMissingEventId(context, settings.inbound.dedupe.eventId, meta);
	const mapping = cachedFieldMapping(settings.mapping);
	const item = (body: unknown): IDataObject => {
		const mapped = mapping.fields.length > 0 ? mapFields(mapping, { body, headers, query }) : undefined;
		const itemMeta = mapped?.unmatched.length ? { ...meta, unmatchedPaths: mapped.unmatched as unknown as IDataObject[] } : meta;
		if (settings.output.mappedFieldsOnly) return { ...mapped?.fields, meta: itemMeta };
		return {
			body: body as IDataObject,
			headers,
			query: query as IDataObject,
			...(mapped ? { fields: mapped.fields } : {}),
			meta: itemMeta,
		};
	};

	if (accepted.bodyKind === 'binary') {
		const json = item({});
		if (accepted.rawBody.length === 0) return [{ json }];
		const mimeType = accepted.contentType.mimeType || 'application/octet-stream';
		const binary = await context.helpers.prepareBinaryData(accepted.rawBody, undefined, mimeType);
		return [{ json, binary: { [settings.output.binaryPropertyName]: binary } }];
	}
	return splitBodies(mapping, { body: accepted.body, headers, query }).map((body) => ({ json: item(body) }));
}

async function handleRequest(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const receivedAt = new Date().toISOString();
	const settings = readConfig(context);
	const auth = await inboundAuthOf(context, settings.signature);
	const outcome = await receive(context, cachedInboundPolicy(settings.inbound, LABELS), auth.authenticate);
	if (!('outcome' in outcome)) return outcome;

	const items = await itemsOf(context, outcome, settings, auth, receivedAt);
	const onReceived = settings.response.mode === 'onReceived';
	const content = onReceived ? answerContent(settings.response.body) : answerContent({ received: true, items: 0 });
	const headers = Object.fromEntries(settings.response.headers.map(({ name, value }) => [name, value ?? '']));
	if (items.length === 0) {
		// An empty batch (Split Array Into Items over []) holds no event: answered as received, nothing starts. In a
		// test run the editor keeps listening, as for a CRM event outside the chosen ones.
		answer(context, settings.response.code, content.contentType, content.body, headers);
		return { noWebhookResponse: true };
	}
	if (!onReceived) return { workflowData: [items] };
	// The 2xx goes out before the workflow runs, but only once n8n has recorded the execution.
	return startWorkflow(context, { ...content, headers }, [items]);
}

/** The canvas subtitle: how requests are verified, in the words of the Authentication options. */
const SUBTITLE_BY_AUTHENTICATION: Record<AuthKind, string> = {
	none: 'No Authentication',
	basicAuth: 'Verified: Basic Auth',
	apiKey: 'Verified: API Key',
	bearerToken: 'Verified: Bearer Token',
	signingSecret: 'Verified: Signature',
};

export class InboundWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inbound Webhook Trigger',
		name: 'inboundWebhookTrigger',
		icon: { light: 'file:inboundWebhookTrigger.svg', dark: 'file:inboundWebhookTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ (${JSON.stringify(SUBTITLE_BY_AUTHENTICATION)})[$parameter["authentication"]] }}`,
		description: 'Starts the workflow when a verified webhook request arrives',
		eventTriggerDescription: 'Waiting for a request to the Test URL (Webhook URLs, top of Parameters)',
		triggerPanel: triggerPanel(
			'the sender',
			'Include the header that the Authentication credential names (a signature, API key, bearer token or Basic Auth); with Authentication: None no header is needed.',
		),
		activationMessage: 'You can now make calls to your production webhook URL.',
		// n8n opens an http(s) documentationUrl as it is; the codex link gets its tracking query appended after the #.
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#inbound-webhook-trigger',
		defaults: { name: 'Inbound Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Literal entries, one per authentication choice (n8n's lint reads testedBy from here).
		credentials: [
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
				displayOptions: { show: { deduplicate: [true], dedupeStore: ['redis'] } },
				testedBy: 'dedupeStoreCredentialTest',
			},
			{
				name: 'webhookDedupePostgresApi',
				required: true,
				displayOptions: { show: { deduplicate: [true], dedupeStore: ['postgres'] } },
				testedBy: 'dedupeStoreCredentialTest',
			},
		],
		webhooks: inboundWebhookTriggerWebhooks,
		properties: inboundWebhookTriggerProperties,
	};

	methods = { credentialTest: { webhookCredentialTest, dedupeStoreCredentialTest } };

	webhookMethods = validatingLifecycle(configurationProblems, leaveDedupeStore);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await withoutThrowing(this, async () => await handleRequest(this));
	}
}
