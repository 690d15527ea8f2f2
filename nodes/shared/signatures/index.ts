/**
 * One way in for every signature scheme this package speaks, used by the Outbound Webhook node
 * (to sign) and by both triggers (to verify). Each scheme lives in its own small file.
 */
import { STANDARD_WEBHOOKS_HEADER_PREFIXES } from './defaults';
import type { HmacScheme } from './hmac';
import { previousSignatureHeader, signHmac, verifyHmac } from './hmac';
import { signStandardWebhook, verifyStandardWebhook } from './standardWebhooks';
import { signTimestamped, verifyTimestamped } from './timestamped';
import type { HeaderBag, VerificationResult, VerifyOptions } from './types';

export type SigningConfig =
	| ({ scheme: 'hmac' } & HmacScheme)
	/** publicKeys: `whpk_` keys the triggers accept `v1a` signatures from, besides the secrets (which may be keys too). */
	| { scheme: 'standardWebhooks'; publicKeys?: string[] }
	| { scheme: 'timestamped'; headerName: string };

export interface SignInput {
	body: Buffer;
	timestampSeconds: number;
	/** Stable id of the message; Standard Webhooks sends it as `webhook-id`. */
	messageId: string;
}

/** Headers that sign one outgoing request with the current (first) secret. */
export function signRequest(config: SigningConfig, secret: string, input: SignInput): Record<string, string> {
	switch (config.scheme) {
		case 'hmac':
			return signHmac(config, secret, input.body, input.timestampSeconds);
		case 'standardWebhooks':
			return signStandardWebhook(secret, input.body, input.timestampSeconds, input.messageId);
		case 'timestamped':
			return signTimestamped(config.headerName, secret, input.body, input.timestampSeconds);
	}
}

/** Verifies a request against all active secrets (current first, then those kept for rotation). */
export function verifyRequestSignature(
	config: SigningConfig,
	secrets: readonly string[],
	headers: HeaderBag,
	rawBody: Buffer,
	options: VerifyOptions,
): VerificationResult {
	switch (config.scheme) {
		case 'hmac':
			return verifyHmac(config, secrets, headers, rawBody, options);
		case 'standardWebhooks':
			return verifyStandardWebhook([...secrets, ...(config.publicKeys ?? [])], headers, rawBody, options);
		case 'timestamped':
			return verifyTimestamped(config.headerName, secrets, headers, rawBody, options);
	}
}

/** Lower-case names of the headers that carry a signature under `config`: what triggers redact. */
export function signatureHeaderNames(config: SigningConfig): string[] {
	if (config.scheme === 'standardWebhooks') return STANDARD_WEBHOOKS_HEADER_PREFIXES.map((prefix) => `${prefix}signature`);
	if (config.scheme === 'hmac') return [config.headerName, previousSignatureHeader(config.headerName)].map((name) => name.toLowerCase());
	return [config.headerName.toLowerCase()];
}

export * from './constantTime';
export * from './defaults';
export * from './ed25519';
export * from './hmac';
export * from './publicKey';
export * from './standardWebhooks';
export * from './timestamped';
export * from './types';
