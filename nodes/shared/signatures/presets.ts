/**
 * What the Inbound Webhook Trigger verifies with: the signing credential's own scheme, a preset for
 * a well-known sender, or a custom signature template. Stripe's preset is the Stripe-style scheme
 * the credential already offers; the others are templates.
 */
import type { SigningConfig } from './index';
import { signatureHeaderNames, verifyRequestSignature } from './index';
import type { SignatureTemplate, TemplateRequest } from './template';
import { verifyTemplate } from './template';
import type { VerificationResult, VerifyOptions } from './types';

export type InboundSignature = SigningConfig | ({ scheme: 'template' } & SignatureTemplate);

export type SignaturePresetName = 'github' | 'shopify' | 'slack' | 'stripe' | 'twilio';

const bodyHmacSha256 = { separator: '', keyEncoding: 'utf8', algorithm: 'sha256' } as const;

/**
 * Each as its sender documents it (the pages are cited in docs/credentials.md). Timestamps are
 * checked against the trigger's Replay Window, 300 s by default: Slack's and Stripe's five minutes.
 */
export const SIGNATURE_PRESETS: Record<SignaturePresetName, InboundSignature> = {
	github: {
		scheme: 'template',
		name: 'github',
		headerName: 'X-Hub-Signature-256',
		parts: [{ kind: 'body' }],
		...bodyHmacSha256,
		encoding: 'hex',
		prefix: 'sha256=',
	},
	shopify: {
		scheme: 'template',
		name: 'shopify',
		headerName: 'X-Shopify-Hmac-Sha256',
		parts: [{ kind: 'body' }],
		...bodyHmacSha256,
		encoding: 'base64',
		prefix: '',
	},
	slack: {
		scheme: 'template',
		name: 'slack',
		headerName: 'X-Slack-Signature',
		parts: [{ kind: 'text', text: 'v0' }, { kind: 'timestamp', headerName: 'X-Slack-Request-Timestamp' }, { kind: 'body' }],
		...bodyHmacSha256,
		separator: ':',
		encoding: 'hex',
		prefix: 'v0=',
	},
	stripe: { scheme: 'timestamped', headerName: 'Stripe-Signature' },
	twilio: {
		scheme: 'template',
		name: 'twilio',
		headerName: 'X-Twilio-Signature',
		parts: [{ kind: 'url' }, { kind: 'formParams' }],
		separator: '',
		keyEncoding: 'utf8',
		algorithm: 'sha1',
		encoding: 'base64',
		prefix: '',
		bodyHashQueryParameter: 'bodySHA256',
	},
};

/** Verifies a request against all active secrets (current first). */
export function verifyInboundSignature(
	signature: InboundSignature,
	secrets: readonly string[],
	request: TemplateRequest,
	options: VerifyOptions,
): VerificationResult {
	if (signature.scheme === 'template') return verifyTemplate(signature, secrets, request, options);
	return verifyRequestSignature(signature, secrets, request.headers, request.rawBody, options);
}

/** Lower-case names of the headers that carry the signature: what the trigger redacts. */
export const inboundSignatureHeaders = (signature: InboundSignature): string[] =>
	signature.scheme === 'template' ? [signature.headerName.toLowerCase()] : signatureHeaderNames(signature);
