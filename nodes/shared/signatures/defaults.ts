import type { HmacScheme } from './hmac';

/**
 * What the Webhook Signing Secret credential's fields default to, and so what a field left empty
 * means when the credential is read: the credential's form and `signingFromCredential` share them.
 */
export const DEFAULT_HMAC_SCHEME: HmacScheme = {
	headerName: 'X-Webhook-Signature',
	algorithm: 'sha256',
	encoding: 'hex',
	prefix: '',
	signedContent: 'body',
	timestampHeaderName: 'X-Webhook-Timestamp',
};

/** The Stripe-style scheme's header when the credential names none. */
export const DEFAULT_TIMESTAMPED_HEADER_NAME = 'Webhook-Signature';

/** Standard Webhooks sends `webhook-*` headers; Svix, which the spec grew out of, the same values as `svix-*`. */
export const STANDARD_WEBHOOKS_HEADER_PREFIXES = ['webhook-', 'svix-'] as const;

/** The HMAC digests and their encodings as the editor offers them (the credential, the Inbound Webhook Trigger's template). */
export const HMAC_ALGORITHM_OPTIONS = [
	{ name: 'SHA-1', value: 'sha1' },
	{ name: 'SHA-256', value: 'sha256' },
	{ name: 'SHA-512', value: 'sha512' },
];

export const SIGNATURE_ENCODING_OPTIONS = [
	{ name: 'Base64', value: 'base64' },
	{ name: 'Hex', value: 'hex' },
];

/** The Webhook Signing Secret credential's Scheme choices as the editor names them; errors name a scheme so too. */
export const SIGNING_SCHEME_NAMES = {
	hmac: 'HMAC Signature Header',
	standardWebhooks: 'Standard Webhooks',
	timestamped: 'Timestamped Signature (t=, v1=)',
} as const;
