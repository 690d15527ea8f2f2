import type { CredentialData } from '../shared/auth';
import { CREDENTIAL_TYPES, signingFromCredential } from '../shared/auth';
import { credentialProblems, ed25519KeyAsSecretProblems } from '../shared/credentialProblems';
import { crmProfile } from '../shared/crm';
import { parseJsonText } from '../shared/http/jsonText';
import { canonicalEventName } from '../shared/crm/events';
import { signingMismatch } from '../shared/crm/signingFit';
import { pathProblems } from '../shared/crm/paths';
import type { CrmAuthentication, CrmProfile, ProfileParameters } from '../shared/crm/types';
import type { DuplicateHandling, HandshakeOptions, InboundPolicyOptions } from '../shared/inbound';
import type { SigningConfig } from '../shared/signatures';
import { cachedInboundPolicy, rememberedEvents } from '../shared/inbound';
import { rememberedSeconds } from '../shared/n8n/triggerProperties';

/** The part of n8n's node contexts this module reads, so webhook() and the publish-time check share it. */
export interface ParameterSource {
	getNodeParameter(name: string, fallback?: unknown): unknown;
	getCredentials(type: string): Promise<CredentialData>;
}

/** The "Options" collection (parameter `settings`). */
export interface CrmOptions {
	deduplicate?: boolean;
	dedupeWindowHours?: number;
	dedupeMaxEntries?: number;
	duplicateResponse?: DuplicateHandling;
	includeRawRequest?: boolean;
	responseCode?: number;
	responseBody?: string;
	ipAllowlist?: string;
	trustedProxies?: string;
	replayWindowSeconds?: number;
	maxBodySizeKb?: number;
	maxXmlElements?: number;
	handshakeSource?: 'none' | HandshakeOptions['source'];
	handshakeField?: string;
	handshakeResponse?: HandshakeOptions['respondAs'];
	handshakeBeforeAuth?: boolean;
}

/** Long enough for every documented retry schedule: Freshsales retries for an hour, then for two days. */
export const DEFAULT_DEDUPE_WINDOW_HOURS = 72;

/** How long a CRM whose documentation does not say is assumed to retry a delivery. */
export const UNDOCUMENTED_RETRY_WINDOW_HOURS = 1;

export interface DedupeWindows {
	/** For the CRM's own event ids: Remember Events For. */
	windowSeconds: number;
	/** For ids marked `eventIdSource: 'hash'`: the CRM's retry window, never longer than windowSeconds. */
	hashedIdWindowSeconds: number;
	maxEntries: number;
}

/**
 * How long event ids are remembered; undefined when deduplication is off. A content hash without the
 * time of the change is also what a later, genuine change with identical content gets, so it is kept only
 * as long as the CRM may retry: a retry is still dropped, a new event a day later is not.
 */
export function dedupeWindows(options: CrmOptions, profile: CrmProfile): DedupeWindows | undefined {
	const { deduplicate, dedupeWindowHours = DEFAULT_DEDUPE_WINDOW_HOURS, dedupeMaxEntries } = options;
	if (deduplicate === false) return undefined;
	const windowSeconds = rememberedSeconds(dedupeWindowHours, DEFAULT_DEDUPE_WINDOW_HOURS);
	const retryWindowHours = profile.retryWindowHours ?? UNDOCUMENTED_RETRY_WINDOW_HOURS;
	return {
		windowSeconds,
		hashedIdWindowSeconds: Math.min(windowSeconds, rememberedSeconds(retryWindowHours, retryWindowHours)),
		maxEntries: rememberedEvents(dedupeMaxEntries),
	};
}

export interface CrmTriggerConfig {
	profile: CrmProfile;
	authentication: CrmAuthentication;
	credential: CredentialData | undefined;
	settings: ProfileParameters;
	/** Canonical event names that start the workflow; empty = all. */
	eventFilter: ReadonlySet<string>;
	options: CrmOptions;
	inbound: InboundPolicyOptions;
}

const isCredentialKind = (kind: CrmAuthentication): kind is keyof typeof CREDENTIAL_TYPES => kind in CREDENTIAL_TYPES;

/** No filter: every event starts the workflow. Shared, as most nodes set none and the config only reads it. */
const ALL_EVENTS: ReadonlySet<string> = new Set();

function eventFilter(source: ParameterSource, profile: CrmProfile): ReadonlySet<string> {
	if (profile.events.length > 0) {
		const chosen = source.getNodeParameter('events', []) as string[];
		return chosen.length === 0 ? ALL_EVENTS : new Set(chosen);
	}
	const names = String(source.getNodeParameter('eventNames', '') ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	// A sender's own type (`organizationMembership.created`, `ping`) is renamed to a canonical one; both forms match.
	return new Set(names.flatMap((name) => [name.toLowerCase(), canonicalEventName(name)]));
}

/** An expression in Response Body may give an object or a number: sent as the JSON it is, as the Inbound trigger does. */
function withTextResponseBody(options: CrmOptions): CrmOptions {
	const body: unknown = options.responseBody;
	if (body === undefined || body === null || typeof body === 'string') return options;
	return { ...options, responseBody: JSON.stringify(body) ?? String(body) };
}

function inboundPolicyOptions(profile: CrmProfile, options: CrmOptions): InboundPolicyOptions {
	const handshake: HandshakeOptions | undefined =
		options.handshakeSource && options.handshakeSource !== 'none'
			? {
					source: options.handshakeSource,
					field: options.handshakeField ?? 'challenge',
					respondAs: options.handshakeResponse ?? 'text',
					beforeAuth: options.handshakeBeforeAuth === true,
				}
			: undefined;
	// Optional parts are assigned, not spread from a literal: read on every request, spreading allocated twice.
	const parseLimits: InboundPolicyOptions['parseLimits'] = { maxXmlElements: options.maxXmlElements };
	if (profile.keepsXmlTagCase) parseLimits.keepXmlTagCase = true;
	const policy: InboundPolicyOptions = {
		methods: profile.httpMethods,
		ipAllowlist: options.ipAllowlist,
		trustedProxies: options.trustedProxies,
		maxBodyBytes: options.maxBodySizeKb ? options.maxBodySizeKb * 1024 : undefined,
		parseLimits,
		replayWindowSeconds: options.replayWindowSeconds,
		// Each profile reads the body as the CRM sends it; the Content-Type decides.
		bodyType: 'auto',
	};
	if (handshake) policy.handshake = handshake;
	return policy;
}

/** Everything webhook() needs from the node's parameters and credential. */
export async function readConfig(source: ParameterSource): Promise<CrmTriggerConfig> {
	const profile = crmProfile(source.getNodeParameter('crm') as string);
	const authentication = source.getNodeParameter('authentication', profile.defaultAuthentication) as CrmAuthentication;
	const settings: ProfileParameters = {};
	for (const key of profile.settings) {
		// A parameter hidden by its display options is absent; n8n throws unless a fallback is given.
		const value = source.getNodeParameter(key, null);
		if (value !== undefined && value !== null) (settings as Record<string, unknown>)[key] = value;
	}
	const stored = isCredentialKind(authentication) ? await source.getCredentials(CREDENTIAL_TYPES[authentication]) : undefined;
	const credential = stored && profile.adaptCredential ? profile.adaptCredential(authentication, stored, settings) : stored;
	const options = withTextResponseBody((source.getNodeParameter('settings', {}) ?? {}) as CrmOptions);
	return {
		profile,
		authentication,
		credential,
		settings,
		eventFilter: eventFilter(source, profile),
		options,
		inbound: inboundPolicyOptions(profile, options),
	};
}

/** The settings the shared inbound checks name, as the CRM trigger shows them (all under Options). */
const CRM_LABELS = {
	ipAllowlist: 'Options › IP Allowlist',
	trustedProxies: 'Options › Trusted Proxies',
	handshakeField: 'Options › Challenge Field',
};

/** A signing-secret credential this CRM's signature can never verify with. */
function signingProblems(profile: CrmProfile, credential: CredentialData, forced: SigningConfig | undefined): string[] {
	const problems: string[] = [];
	const own = signingFromCredential(credential).config.scheme;
	// HubSpot's own check and an imposed scheme are HMACs unless the profile imposes Standard Webhooks; a
	// credential of another scheme than Standard Webhooks had its keys checked by credentialProblems already.
	const inForce = profile.secretVerification ? 'hmac' : (forced?.scheme ?? own);
	if (own === 'standardWebhooks') problems.push(...ed25519KeyAsSecretProblems(inForce, credential));
	const mismatch = signingMismatch(profile, credential);
	if (mismatch) problems.push(mismatch);
	return problems.map((problem) => `Credential: ${problem}`);
}

/**
 * What is wrong with a configuration, in plain language naming the field; empty when it can receive events.
 * Checked when the workflow is published, so a mistake shows in the editor instead of as refused requests.
 */
export function configProblems(config: CrmTriggerConfig): string[] {
	const { profile, authentication, credential, settings, options } = config;
	const problems: string[] = [];
	if (!profile.supportedAuthentications.includes(authentication)) {
		problems.push(`Authentication "${authentication}" is not available for ${profile.displayName}`);
	}
	if (isCredentialKind(authentication) && credential) {
		// A profile may force the scheme (Standard Webhooks): check the secret as that scheme reads it.
		const forced = authentication === 'signingSecret' ? profile.adaptSigning?.(signingFromCredential(credential).config, {}) : undefined;
		const checked = forced?.scheme === 'standardWebhooks' ? { ...credential, scheme: 'standardWebhooks' } : credential;
		problems.push(...credentialProblems(authentication, checked).map((problem) => `Credential: ${problem}`));
		if (authentication === 'signingSecret') problems.push(...signingProblems(profile, credential, forced));
	}
	// The event filter is shared by all CRMs in the editor; a choice left from another CRM would match nothing.
	if (profile.events.length > 0) {
		const known = new Set(profile.events.map((event) => event.value));
		const unknown = [...config.eventFilter].filter((event) => !known.has(event));
		if (unknown.length > 0) problems.push(`Events: ${unknown.join(', ')} is not an event of ${profile.displayName}; choose again`);
	}
	if (authentication === 'builtIn') problems.push(...(profile.builtInVerification?.settingsProblems(settings) ?? []));
	if (settings.signedUrlFrom === 'forwarded' && !options.trustedProxies?.trim()) {
		problems.push('Signed URL From: Forwarded Headers are read only from Options › Trusted Proxies; list your reverse proxy there');
	}
	const paths: Array<[string, string | undefined]> = [
		['Event Field', settings.eventSource === 'field' ? settings.eventField : undefined],
		['Record ID Field', settings.objectIdField],
		['Time Field', settings.timestampField],
		['Event Type Path', settings.eventTypePath],
		['Event ID Path', settings.eventIdPath],
		['Time Path', settings.timestampPath],
		['Object Type Path', settings.objectTypePath],
		['Object ID Path', settings.objectIdPath],
		['Data Path', settings.dataPath],
	];
	for (const [label, path] of paths) problems.push(...pathProblems(label, path));
	if (settings.eventSource === 'field' && !settings.eventField?.trim()) problems.push('Event Field is empty');
	if (settings.eventSource === 'query' && !settings.eventQueryParameter?.trim()) problems.push('Event Query Parameter is empty');
	if (profile.settings.includes('eventTypePath') && !settings.eventTypePath?.trim()) problems.push('Event Type Path is empty');
	if (options.responseBody?.trim().startsWith('{') && !parseJsonText(options.responseBody)) {
		problems.push('Response Body starts with { but is not valid JSON');
	}
	try {
		cachedInboundPolicy(config.inbound, CRM_LABELS);
	} catch (error) {
		problems.push((error as Error).message);
	}
	return problems;
}
