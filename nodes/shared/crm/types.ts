/**
 * The CRM Event Trigger's model: a profile per CRM turns one verified, parsed request into
 * normalised CRM events. Pure: no n8n imports, so every profile is unit-tested on its own.
 */
import type { AuthKind, CredentialData } from '../auth';
import type { BodyKind } from '../inbound/contentType';
import type { SigningConfig } from '../signatures';
import type { HeaderBag, VerificationResult, VerifyOptions } from '../signatures/types';
import type { HttpMethod } from '../http/methods';
import type { PublicUrlSource } from '../http/publicUrl';

export type JsonObject = Record<string, unknown>;

/** One event a CRM can send, under its canonical name. */
export interface CrmEventType {
	/** Canonical, lowercase and dotted: `opportunity.won`. */
	value: string;
	/** What the event filter shows: `Opportunity Won`. */
	name: string;
	/** The CRM's own names for it, matched case-insensitively (`OpportunityStatusUpdate`, `Lead_Post_Create`). */
	sourceNames: string[];
}

/** Node parameters a profile may read. Each profile documents the ones it uses. */
export interface ProfileParameters {
	/** Freshsales, Vtiger: where the event name comes from. */
	eventSource?: 'fixed' | 'field' | 'query';
	/** Freshsales, Vtiger: the event of every request to this URL (eventSource `fixed`). */
	fixedEvent?: string;
	/** Freshsales, Vtiger: body field (dotted path or JSONPath) holding the event name. */
	eventField?: string;
	/** Freshsales, Vtiger: query parameter holding the event name. */
	eventQueryParameter?: string;
	/** Freshsales, Vtiger: body field holding the record id (default `id`). */
	objectIdField?: string;
	/** Freshsales, Vtiger: body field holding the time of the change (default: the time received). */
	timestampField?: string;
	/** Vtiger, Freshsales, Custom: a JSON array body becomes one event per element (`split`) or one event (`single`). */
	arrayMode?: 'split' | 'single';
	/** Custom: JSONPath expressions evaluated on each record. */
	eventTypePath?: string;
	eventIdPath?: string;
	timestampPath?: string;
	objectTypePath?: string;
	objectIdPath?: string;
	dataPath?: string;
	/** Custom: header carrying a delivery id, used before `eventIdPath`. */
	eventIdHeader?: string;
	/** HighLevel: PEM public keys that replace the published ones (key rotation, tests). */
	highLevelEd25519PublicKey?: string;
	highLevelRsaPublicKey?: string;
	/** Standard Webhooks: the event name of a payload without `type` (default `webhook.received`). */
	untypedEventName?: string;
	/** HighLevel: also accept a signature over `JSON.stringify` of the body (off: the exact bytes only). */
	highLevelAcceptReserialisedJson?: boolean;
	/** HubSpot: which signature versions are accepted (default `any`: v3, else v2/v1 when no v3 is sent). */
	hubspotSignatureVersions?: 'any' | 'v3';
	/** HubSpot: where the public URL it signed comes from (default `webhookUrl`: n8n's Webhook URL). */
	signedUrlFrom?: PublicUrlSource;
	/** Salesforce: the organization whose outbound messages are accepted (15 or 18 characters). */
	salesforceOrganizationId?: string;
	/** Dynamics 365 / Dataverse: the webhook registration's authentication type (default HttpHeader). */
	dynamicsAuthType?: 'HttpHeader' | 'WebhookKey' | 'HttpQueryString';
}

export interface NormaliseInput {
	/** Parsed by the shared body parser (nodes/shared/inbound/parseBody.ts). */
	body: unknown;
	/** The format it was parsed as. */
	bodyKind: BodyKind;
	/** Exact bytes received: an empty body is a CRM's check that the URL answers, not an event. */
	rawBody: Buffer;
	query: Record<string, unknown>;
	headers: HeaderBag;
	receivedAt: Date;
	settings: ProfileParameters;
}

/** One CRM event, as the trigger emits it (the node adds `meta`). */
export interface NormalisedEvent {
	event: string;
	sourceEvent: string;
	crm: string;
	eventId: string;
	/**
	 * `hash` when the CRM sent no id and the content holds no time of the change: `eventId` is then a hash
	 * of the event name and record, which a later change with identical content repeats, so the trigger
	 * remembers it only for the CRM's retry window. Absent for the CRM's own id, or a hash of content that
	 * holds the time of the change (as specific as an id).
	 */
	eventIdSource?: 'hash';
	occurredAt: string;
	object: { type: string; id: string | null };
	data: JsonObject;
	/** The record before the change, when the CRM sends it (LeadSquared field changes). */
	previous?: JsonObject;
	/** Envelope values that are not part of the record: account, location or webhook ids. */
	context: JsonObject;
}

export type NormaliseResult = { events: NormalisedEvent[] } | { error: string };

export interface VerificationInput {
	headers: HeaderBag;
	rawBody: Buffer;
	settings: ProfileParameters;
	options: VerifyOptions;
}

/** A check the profile performs without a credential, such as HighLevel's published public keys. */
export interface BuiltInVerification {
	/** Shown in the Authentication options. */
	name: string;
	description: string;
	verify(input: VerificationInput): VerificationResult;
	/** Header names to redact from the output. */
	signatureHeaders: string[];
	/** Problems with the settings this check uses, in plain language; empty when usable. */
	settingsProblems(settings: ProfileParameters): string[];
}

/** The method and public URL of a request, for a CRM that signs them (HubSpot). */
export interface RequestLine {
	method: string;
	/** Undefined when n8n could not tell the URL the sender used. */
	url: string | undefined;
}

/**
 * A check keyed with the Webhook Signing Secret credential's secrets that covers more than the body
 * (HubSpot signs the method and the URL it called), so it cannot be an adapted HMAC scheme.
 */
export interface SecretVerification {
	verify(input: VerificationInput & { secrets: string[]; request: RequestLine }): VerificationResult;
	/** Header names to redact from the output. */
	signatureHeaders: string[];
	/** Whether `verify` needs the request's public URL (`settings.signedUrlFrom`). */
	signsUrl: boolean;
}

/** What the node offers in Authentication: a credential kind, or the profile's built-in check. */
export type CrmAuthentication = AuthKind | 'builtIn';

export type { HttpMethod };

/**
 * A response the CRM requires to count a delivery as successful, sent for accepted deliveries and for
 * acknowledged duplicates alike (a CRM that does not get it sends the delivery again).
 */
export interface CrmResponse {
	status: number;
	body: JsonObject | string;
	/** The body's content type when it is neither JSON nor plain text (Salesforce's SOAP acknowledgement is text/xml). */
	contentType?: string;
}

export interface CrmProfile {
	/** Stable value of the CRM selector. */
	id: string;
	displayName: string;
	events: CrmEventType[];
	defaultAuthentication: CrmAuthentication;
	supportedAuthentications: CrmAuthentication[];
	builtInVerification?: BuiltInVerification;
	/** With a Webhook Signing Secret credential: the CRM's own check over its secrets, instead of `adaptSigning`. */
	secretVerification?: SecretVerification;
	/**
	 * Adjusts a Webhook Signing Secret credential to what this CRM sends (its header, detected encoding),
	 * so the user only pastes the secret.
	 */
	adaptSigning?(config: SigningConfig, headers: HeaderBag): SigningConfig;
	/**
	 * Places a credential's secret where this CRM sends it, whatever the credential says (a token in the body,
	 * a key that must be `?code=`), so checks, redaction and the publish-time problems all read the same data.
	 */
	adaptCredential?(authentication: CrmAuthentication, credential: CredentialData, settings: ProfileParameters): CredentialData;
	/** What the Authentication options call a choice for this CRM, when the generic name would mislead. */
	authenticationLabels?: Partial<Record<CrmAuthentication, { name: string; description: string }>>;
	/** Lower-case headers that repeat the signature under another name (Attio's `x-attio-signature`), redacted too. */
	signatureCopyHeaders?: string[];
	/** Where to paste the webhook URL in the CRM and which options to pick. */
	setupHint: string;
	/** Another way to set the CRM up, shown instead of setupHint while Authentication is one of `authentications`. */
	setupPaths?: Array<{ authentications: CrmAuthentication[]; hint: string }>;
	/** Methods the CRM sends with; the webhook is registered for each. */
	httpMethods: HttpMethod[];
	/**
	 * How long the CRM retries a failed delivery, in hours, as its documentation states; absent when it does
	 * not say (the trigger then assumes an hour). Event ids marked `eventIdSource: 'hash'` are remembered this long.
	 */
	retryWindowHours?: number;
	/** The answer the CRM expects for a delivery; otherwise the node's own response settings apply. */
	defaultResponse?: CrmResponse;
	/** XML tag names reach `normalise` as sent instead of lower-cased: they are the CRM's case-sensitive field names. */
	keepsXmlTagCase?: boolean;
	/**
	 * The key deduplication remembers, when the CRM's id alone is not unique (HubSpot's eventId); absent: the
	 * event's `eventId`. It must stay the same when the CRM retries the same delivery.
	 */
	dedupeKey?(event: NormalisedEvent): string;
	/** The body text for Include Raw Request, with what must not reach workflow data removed (Salesforce's session ID). */
	redactRawBody?(text: string): string;
	/** Which fields of the node's Settings parameter (ProfileParameters) this profile reads; the node shows only these. */
	settings: Array<keyof ProfileParameters>;
	normalise(input: NormaliseInput): NormaliseResult;
}
