import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { BoundedCache } from '../boundedCache';
import { checkedEd25519PublicKey } from './ed25519';
import type { HeaderBag, VerificationResult } from './types';
import { fail, isFailure, signatureHeader } from './types';

/**
 * Asymmetric signatures: the sender signs with a private key and publishes the public key, so the
 * receiver holds no secret. HighLevel signs webhooks this way (RSA-SHA256 in `x-wh-signature`,
 * Ed25519 in `x-ghl-signature`).
 */
export type PublicKeyAlgorithm = 'rsa-sha256' | 'ed25519';

export interface PublicKeyScheme {
	headerName: string;
	algorithm: PublicKeyAlgorithm;
	/** PEM (SPKI) text, or the base64 DER of an SPKI key. */
	publicKey: string;
}

/** A workflow checks one or two public keys; a few recent ones are kept, parsed. */
const keyCache = new BoundedCache<string, KeyObject>(16);

const loadKey = (text: string): KeyObject =>
	keyCache.getOrCreate(text, () =>
		checkedEd25519PublicKey(
			text.includes('BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' }),
		),
	);

export function verifyPublicKeySignature(scheme: PublicKeyScheme, headers: HeaderBag, rawBody: Buffer): VerificationResult {
	const header = signatureHeader(headers, scheme.headerName);
	if (isFailure(header)) return header;
	const signature = Buffer.from(header.trim(), 'base64');
	if (signature.length === 0) return fail('malformed', `Header ${scheme.headerName} is not base64`);
	const key = loadKey(scheme.publicKey);
	const valid =
		scheme.algorithm === 'ed25519' ? cryptoVerify(null, rawBody, key, signature) : cryptoVerify('sha256', rawBody, key, signature);
	return valid
		? { valid: true, scheme: scheme.algorithm, secretIndex: 0 }
		: fail('mismatch', `Signature in ${scheme.headerName} does not match the body`);
}
