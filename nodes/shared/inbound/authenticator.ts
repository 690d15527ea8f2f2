import { createHash } from 'node:crypto';

import type { AuthKind, CredentialData, InboundRequestParts } from '../auth';
import { queryWithoutSecret, secretHeaderNames, signingFromCredential, verifyInboundAuth } from '../auth';
import { BoundedCache } from '../boundedCache';
import type { InboundSignature } from '../signatures/presets';
import { inboundSignatureHeaders, verifyInboundSignature } from '../signatures/presets';
import type { VerificationResult, VerifyOptions } from '../signatures/types';

/**
 * Checks one request's authenticity over its raw bytes. `headersOnly`: it reads only headers and the
 * query, so the pipeline runs it before reading the body, and a forged request costs no body read.
 */
export type Authenticator = ((request: InboundRequestParts, options: VerifyOptions) => VerificationResult) & { headersOnly?: boolean };

export interface InboundAuth {
	kind: AuthKind;
	authenticate: Authenticator;
	/** Headers that carry this credential's secrets, redacted from output. */
	secretHeaders: string[];
	/** The query without the parameter that carries this credential's key, if it is sent in the query. */
	queryWithoutSecret(query: Record<string, unknown>): Record<string, unknown>;
}

const NO_AUTH: InboundAuth = {
	kind: 'none',
	authenticate: Object.assign(() => ({ valid: true, scheme: 'none', secretIndex: 0 }) as const, { headersOnly: true }),
	secretHeaders: [],
	queryWithoutSecret: (query) => query,
};

const cache = new BoundedCache<string, InboundAuth>(100);

function signatureAuth(data: CredentialData, override: InboundSignature | undefined): Pick<InboundAuth, 'authenticate' | 'secretHeaders'> {
	const { config, secrets } = signingFromCredential(data);
	const signature = override ?? config;
	return {
		authenticate: (request, options) => verifyInboundSignature(signature, secrets, request, options),
		secretHeaders: inboundSignatureHeaders(signature),
	};
}

/**
 * The authenticator for a credential of this package, derived once per distinct credential value
 * (keyed by a hash, so no secret becomes a map key) and reused across requests. `signature`, for a
 * signing secret, replaces the credential's scheme (a preset or template of the Inbound Webhook
 * Trigger); the credential then gives only its secrets.
 */
export function inboundAuthFromCredential(kind: AuthKind, data: CredentialData | undefined, signature?: InboundSignature): InboundAuth {
	if (kind === 'none' || !data) return NO_AUTH;
	const key = createHash('sha256')
		.update(kind)
		.update('\0')
		.update(JSON.stringify(data))
		.update('\0')
		.update(JSON.stringify(signature ?? null))
		.digest('base64');
	let auth = cache.get(key);
	if (!auth) {
		auth = {
			kind,
			...(kind === 'signingSecret'
				? signatureAuth(data, signature)
				: {
						authenticate: Object.assign(
							(request: InboundRequestParts, options: VerifyOptions) => verifyInboundAuth(kind, data, request, options),
							{
								// Zoho's channel token travels in the JSON body (location "body", set by its profile).
								headersOnly: data.location !== 'body',
							},
						),
						secretHeaders: secretHeaderNames(kind, data),
					}),
			queryWithoutSecret: (query) => queryWithoutSecret(kind, data, query),
		};
		cache.set(key, auth);
	}
	return auth;
}
