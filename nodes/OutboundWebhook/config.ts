import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AuthKind, OutboundAuth } from '../shared/auth';
import type { ClientTls } from '../shared/outbound/clientCertificate';
import { CLIENT_CERTIFICATE_CREDENTIAL, readClientCertificate } from '../shared/outbound/clientCertificate';
import type { OAuth2Client } from '../shared/outbound/oauth2';
import { CLIENT_GRANT_TYPE, readOAuth2Credential } from '../shared/outbound/oauth2';
import { workflowZone } from '../shared/zonedTime';
import { CREDENTIAL_TYPES, outboundAuth, signingFromCredential, signPreviousUntilProblem, signsWithPrevious } from '../shared/auth';
import { credentialProblems, signingSecretCannotSign } from '../shared/credentialProblems';
import type { SigningConfig } from '../shared/signatures';
import type { CaptureField, CaptureLanguage, CaptureSpec } from '../shared/outbound/capture';
import { compileCapture } from '../shared/outbound/capture';
import type { ContentMode } from '../shared/outbound/content';
import type { EncodeOptions, Encoding, FormNotation } from '../shared/outbound/encoders';
import { OutboundConfigError } from '../shared/outbound/errors';
import { HEADER_TOKEN, isReservedHeader } from '../shared/http/headerRules';
import type { Backoff, RetryPolicy } from '../shared/outbound/retry';
import { DEFAULT_RETRY_POLICY, DEFAULT_RETRY_STATUSES, parseSchedule, parseStatusList } from '../shared/outbound/retry';
import type { MissingTagPolicy } from '../shared/outbound/template';
import { validateXmlRootName } from '../shared/outbound/xml';
import { n8nSsrfPolicy } from '../shared/outbound/transport';
import type { EndpointSettings } from '../shared/outbound/endpointGuard';
import { readEndpointSettings } from './endpointSettings';

/** Everything that is the same for every item of a run (read from the first item). */
export interface OutboundConfig {
	nodeId: string;
	authKind: OutboundAuthKind;
	auth: OutboundAuth;
	/** OAuth2 client credentials, when Authentication is OAuth2 Client Credentials. */
	oauth2?: OAuth2Client;
	signing?: { config: SigningConfig; secret: string; previousSecrets?: string[] };
	hasBody: boolean;
	encoding: Encoding;
	contentMode: ContentMode;
	encodeOptions: EncodeOptions;
	missingTags: MissingTagPolicy;
	headerMode: 'keyValue' | 'lines';
	idempotencyHeader: string;
	policy: RetryPolicy;
	captureOnSuccess?: CaptureSpec;
	captureOnFailure?: CaptureSpec;
	failedItems: 'output' | 'stop';
	concurrency: number;
	timeoutMs: number;
	maxResponseBytes: number;
	initialDelayMs: number;
	followRedirects: boolean;
	ignoreTlsErrors: boolean;
	/** The client certificate (mTLS), when Client Certificate is on. */
	clientTls?: ClientTls;
	blockPrivateNetworks: boolean;
	includeResponseHeaders: boolean;
	/** What an output item holds: the input's fields after the delivery result, or the delivery result only. */
	output: OutputContent;
	/** Rate limit and circuit breaker per endpoint. */
	endpointSettings: EndpointSettings;
}

export type OutputContent = 'inputAndDelivery' | 'deliveryOnly';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A configuration problem as the error n8n shows: the message, then which field to change and how. */
export function configError(context: IExecuteFunctions, error: OutboundConfigError, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), error.message, {
		itemIndex,
		description: `Check the "${error.field}" parameter.${error.hint ? ` ${error.hint}.` : ''}`.replace(/\.\.$/, '.'),
	});
}

const seconds = (value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
	const number = Number(value);
	if (!Number.isFinite(number) || number < min || number > max) {
		throw new OutboundConfigError(field, `${field} must be a number from ${min} to ${max}`, `Got ${String(value)}`);
	}
	return number;
};

function readRetryPolicy(retry: IDataObject): RetryPolicy {
	const backoff = (retry.backoff as Backoff | undefined) ?? 'exponential';
	const scheduleMs = backoff === 'schedule' ? parseSchedule(String(retry.schedule ?? '1m,5m,30m,2h,24h'), 'Retry Policy › Schedule') : [];
	return {
		maxAttempts:
			backoff === 'schedule'
				? scheduleMs.length + 1
				: seconds(retry.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts, 'Retry Policy › Max Attempts', 1, 100),
		backoff,
		baseDelayMs: seconds(retry.baseDelay ?? 1, 'Retry Policy › Base Delay', 0) * 1000,
		maxDelayMs: seconds(retry.maxDelay ?? 3600, 'Retry Policy › Max Delay', 0) * 1000,
		scheduleMs,
		retryStatuses: parseStatusList(String(retry.retryOnStatuses ?? DEFAULT_RETRY_STATUSES.join(',')), 'Retry Policy › Retry On Statuses'),
		retryNetworkErrors: retry.retryOnNetworkErrors !== false,
		retryTimeouts: retry.retryOnTimeouts !== false,
		retryLaterThresholdMs: seconds(retry.retryLaterThreshold ?? 65, 'Retry Policy › Retry Later Above', 0) * 1000,
	};
}

function readCapture(context: IExecuteFunctions): { onSuccess?: CaptureSpec; onFailure?: CaptureSpec } {
	const language = context.getNodeParameter('captureLanguage', 0, 'none') as CaptureLanguage | 'none';
	if (language === 'none') return {};
	const fields = (name: string) => ((context.getNodeParameter(name, 0, {}) as IDataObject).values as CaptureField[] | undefined) ?? [];
	return {
		onSuccess: compileCapture(language, fields('captureOnSuccess'), 'Capture On Success'),
		onFailure: compileCapture(language, fields('captureOnFailure'), 'Capture On Failure'),
	};
}

/** The node's Authentication choices: the triggers' credential kinds, and OAuth2, which only sending has. */
export type OutboundAuthKind = AuthKind | 'oauth2ClientCredentials';

async function readOAuth2(context: IExecuteFunctions): Promise<OAuth2Client> {
	const client = readOAuth2Credential(await context.getCredentials(CLIENT_GRANT_TYPE));
	if ('problems' in client) {
		throw new NodeOperationError(context.getNode(), `The OAuth2 credential is not usable: ${client.problems.join('; ')}`, {
			description: 'Open the Webhook OAuth2 Client Credentials API credential and fix the fields named above.',
		});
	}
	return client;
}

async function readCredentials(context: IExecuteFunctions) {
	const authKind = context.getNodeParameter('authentication', 0, 'none') as OutboundAuthKind;
	let auth: OutboundAuth = { headers: {}, query: {} };
	const oauth2 = authKind === 'oauth2ClientCredentials' ? await readOAuth2(context) : undefined;
	if (authKind !== 'none' && authKind !== 'oauth2ClientCredentials') {
		const data = await context.getCredentials(CREDENTIAL_TYPES[authKind as Exclude<AuthKind, 'none'>]);
		const problems = credentialProblems(authKind, data);
		if (problems.length > 0) {
			throw new NodeOperationError(context.getNode(), `The ${authKind} credential is not usable: ${problems.join('; ')}`, {
				description: 'Open the credential and fix the fields named above.',
			});
		}
		auth = outboundAuth(authKind, data);
	}
	let signing: OutboundConfig['signing'];
	if (context.getNodeParameter('signRequests', 0, false) as boolean) {
		const data = await context.getCredentials(CREDENTIAL_TYPES.signingSecret);
		const outboundOnly = [signingSecretCannotSign(data), signPreviousUntilProblem(data)].filter((problem) => problem !== undefined);
		const problems = [...credentialProblems('signingSecret', data), ...outboundOnly];
		if (problems.length > 0) {
			throw new NodeOperationError(context.getNode(), `The signing secret credential is not usable: ${problems.join('; ')}`, {
				description: 'Open the Webhook Signing Secret credential and fix the fields named above.',
			});
		}
		const { config, secrets } = signingFromCredential(data);
		const [secret, ...previousSecrets] = secrets;
		signing = {
			config,
			secret,
			previousSecrets: signsWithPrevious(data, Date.now(), workflowZone(context.getTimezone())) ? previousSecrets : [],
		};
	}
	return { authKind, auth, oauth2, signing, clientTls: await readClientTls(context) };
}

async function readClientTls(context: IExecuteFunctions): Promise<ClientTls | undefined> {
	if (!(context.getNodeParameter('clientCertificate', 0, false) as boolean)) return undefined;
	const reading = readClientCertificate(await context.getCredentials(CLIENT_CERTIFICATE_CREDENTIAL));
	if ('problems' in reading) {
		throw new NodeOperationError(context.getNode(), `The client certificate credential is not usable: ${reading.problems.join('; ')}`, {
			description: 'Open the Webhook Client Certificate credential and fix the fields named above.',
		});
	}
	return reading.tls;
}

/** Options › Idempotency Header Name: empty (no header), or a name the node may set. */
function idempotencyHeaderOf(options: IDataObject): string {
	const name = String(options.idempotencyHeader ?? 'Idempotency-Key').trim();
	const field = 'Options › Idempotency Header Name';
	if (name !== '' && !HEADER_TOKEN.test(name)) {
		throw new OutboundConfigError(field, `"${name}" is not a valid header name`, 'Use letters, digits and - only');
	}
	if (isReservedHeader(name)) {
		throw new OutboundConfigError(field, `Header "${name}" is set by the node itself`, 'Choose another name, e.g. Idempotency-Key');
	}
	return name;
}

/** Reads and checks the node-level parameters once per run; problems become errors naming the field. */
export async function readConfig(context: IExecuteFunctions): Promise<OutboundConfig> {
	const { authKind, auth, oauth2, signing, clientTls } = await readCredentials(context);
	try {
		const method = String(context.getNodeParameter('method', 0, 'POST')).toUpperCase();
		const hasBody = METHODS_WITH_BODY.has(method);
		const options = context.getNodeParameter('options', 0, {}) as IDataObject;
		const idempotencyHeader = idempotencyHeaderOf(options);
		const encoding = (hasBody ? context.getNodeParameter('encoding', 0, 'json') : 'json') as Encoding;
		const capture = readCapture(context);
		return {
			nodeId: context.getNode().id ?? context.getNode().name,
			authKind,
			auth,
			oauth2,
			signing,
			hasBody,
			encoding,
			contentMode: (hasBody ? context.getNodeParameter('content', 0, 'wholeItem') : 'none') as ContentMode,
			encodeOptions: {
				xmlRootElement:
					encoding === 'xml' ? validateXmlRootName(String(context.getNodeParameter('xmlRootElement', 0, 'payload')).trim()) : 'payload',
				formNotation: (encoding === 'form' ? context.getNodeParameter('formNotation', 0, 'dot') : 'dot') as FormNotation,
			},
			missingTags: context.getNodeParameter('missingMergeTags', 0, 'empty') as MissingTagPolicy,
			headerMode: context.getNodeParameter('headerMode', 0, 'keyValue') as 'keyValue' | 'lines',
			idempotencyHeader,
			policy: readRetryPolicy(context.getNodeParameter('retry', 0, {}) as IDataObject),
			captureOnSuccess: capture.onSuccess,
			captureOnFailure: capture.onFailure,
			failedItems: context.getNodeParameter('failedItems', 0, 'output') as 'output' | 'stop',
			concurrency: seconds(options.concurrency ?? 10, 'Options › Concurrency', 1, 200),
			timeoutMs: seconds(options.timeout ?? 30, 'Options › Timeout', 1, 600) * 1000,
			maxResponseBytes: seconds(options.maxResponseKb ?? 1024, 'Options › Max Response Size', 1, 16384) * 1024,
			initialDelayMs: seconds(options.delayBeforeSending ?? 0, 'Options › Delay Before Sending', 0, 300) * 1000,
			followRedirects: options.followRedirects === true,
			ignoreTlsErrors: options.ignoreTlsErrors === true,
			clientTls,
			// n8n's own SSRF protection, when on, keeps the check on whatever the node says.
			blockPrivateNetworks: options.blockPrivateNetworks === true || n8nSsrfPolicy() !== undefined,
			includeResponseHeaders: options.includeResponseHeaders === true,
			output: options.output === 'deliveryOnly' ? 'deliveryOnly' : 'inputAndDelivery',
			endpointSettings: readEndpointSettings(context),
		};
	} catch (error) {
		if (error instanceof OutboundConfigError) throw configError(context, error);
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}
