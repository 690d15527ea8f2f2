/**
 * HighLevel's signatures with its published keys (or keys set in the node's settings): Ed25519 in
 * `X-GHL-Signature`, RSA-SHA256 in the legacy `x-wh-signature`, and opt-in, the re-serialised body that
 * HighLevel's sample code signs. Sources: the Webhook Integration Guide (see highLevel.ts).
 */
import { isUtf8 } from 'node:buffer';
import { createPublicKey } from 'node:crypto';

import type { PublicKeyScheme } from '../signatures';
import { verifyPublicKeySignature } from '../signatures';
import { jsonHasDuplicateKeys, parseJson } from '../inbound/json';
import { DEFAULT_PARSE_LIMITS } from '../inbound/parseBody';
import { isRejection } from '../inbound/rejection';
import type { VerificationResult, VerificationSuccess } from '../signatures/types';
import { fail, singleHeader } from '../signatures/types';
import { isoTime, isRecord } from './events';
import { HIGHLEVEL_ED25519_PUBLIC_KEY, HIGHLEVEL_RSA_PUBLIC_KEY } from './highLevelKeys';
import type { ProfileParameters, VerificationInput } from './types';

const keyOrDefault = (override: string | undefined, published: string) => override?.trim() || published;

/** The body as JSON, within the parser's depth limit; undefined when it is not UTF-8 JSON. */
function parsedJson(bytes: Buffer): { text: string; json: unknown } | undefined {
	if (!isUtf8(bytes)) return undefined;
	const text = bytes.toString('utf8');
	const parsed = parseJson(bytes, text, DEFAULT_PARSE_LIMITS.maxDepth);
	return isRejection(parsed) ? undefined : { text, json: parsed.value };
}

/**
 * The body as `JSON.stringify` writes it, for the opt-in check: HighLevel's sample code signs the
 * re-serialised body, not the bytes sent. A body naming a key twice is refused, or a value the
 * signature never covered could reach a reader of the raw text.
 */
function reserialised(rawBody: Buffer): VerifiedBody | undefined {
	const parsed = parsedJson(rawBody);
	if (!parsed || jsonHasDuplicateKeys(parsed.text)) return undefined;
	const bytes = Buffer.from(JSON.stringify(parsed.json));
	return bytes.equals(rawBody) ? undefined : { bytes, json: parsed.json };
}

type VerifiedBody = NonNullable<VerificationSuccess['signedBody']>;

/**
 * The signed body with its `timestamp` in unix seconds. HighLevel advises refusing deliveries more
 * than about 5 minutes old; returning it lets the trigger's replay window apply, as for any signed
 * timestamp. The parsed body goes along, so the trigger does not parse it again.
 */
function withBodyTimestamp(result: VerificationSuccess, algorithm: string, body: VerifiedBody | undefined): VerificationSuccess {
	const json = body?.json;
	const iso = isRecord(json) ? isoTime(json.timestamp) : undefined;
	return {
		...result,
		scheme: `highlevel-${algorithm}`,
		...(iso ? { timestampSeconds: Math.floor(Date.parse(iso) / 1000) } : {}),
		...(body ? { signedBody: body } : {}),
	};
}

const KEY_UNREADABLE = fail('mismatch', 'The HighLevel public key in the node settings cannot be read');

/** One scheme over one candidate body; a key that does not parse is reported as the settings' problem. */
function check(scheme: PublicKeyScheme, headers: VerificationInput['headers'], body: Buffer): VerificationResult {
	try {
		return verifyPublicKeySignature(scheme, headers, body);
	} catch {
		return KEY_UNREADABLE;
	}
}

/** HighLevel's signature over the body: Ed25519 in X-GHL-Signature, or the legacy RSA in x-wh-signature. */
export function verifyHighLevelSignature(input: VerificationInput): VerificationResult {
	const ed25519 = keyOrDefault(input.settings.highLevelEd25519PublicKey, HIGHLEVEL_ED25519_PUBLIC_KEY);
	const rsa = keyOrDefault(input.settings.highLevelRsaPublicKey, HIGHLEVEL_RSA_PUBLIC_KEY);
	// Ed25519 first, as HighLevel prefers it; one project reports Ed25519 signatures in x-wh-signature too.
	const schemes: PublicKeyScheme[] = [
		{ headerName: 'x-ghl-signature', algorithm: 'ed25519', publicKey: ed25519 },
		{ headerName: 'x-wh-signature', algorithm: 'rsa-sha256', publicKey: rsa },
		{ headerName: 'x-wh-signature', algorithm: 'ed25519', publicKey: ed25519 },
	].filter((scheme) => singleHeader(input.headers, scheme.headerName) !== undefined) as PublicKeyScheme[];
	if (schemes.length === 0) return fail('missing', 'Missing X-GHL-Signature header (or the legacy x-wh-signature)');

	let failure: VerificationResult = fail('mismatch', 'The HighLevel signature does not match the body');
	for (const scheme of schemes) {
		const result = check(scheme, input.headers, input.rawBody);
		if (result.valid) {
			const parsed = parsedJson(input.rawBody);
			return withBodyTimestamp(result, scheme.algorithm, parsed && { bytes: input.rawBody, json: parsed.json });
		}
		if (result === KEY_UNREADABLE) return result;
		if (result.reason !== 'mismatch') failure = result;
	}
	if (failure.valid || failure.reason !== 'mismatch' || input.settings.highLevelAcceptReserialisedJson !== true) return failure;
	// Opt-in, and only after the exact bytes failed: parsing costs far more than a signature check.
	const again = reserialised(input.rawBody);
	if (!again) return failure;
	for (const scheme of schemes) {
		const result = check(scheme, input.headers, again.bytes);
		if (result.valid) return withBodyTimestamp(result, scheme.algorithm, again);
	}
	return failure;
}

function keyProblems(label: string, pem: string | undefined, type: 'ed25519' | 'rsa'): string[] {
	if (!pem?.trim()) return [];
	try {
		const key = createPublicKey(pem.trim());
		return key.asymmetricKeyType === type ? [] : [`${label} is a ${key.asymmetricKeyType} key, not ${type}`];
	} catch {
		return [`${label} is not a PEM public key (-----BEGIN PUBLIC KEY----- …)`];
	}
}

/** What is wrong with the public keys set in the node's settings (empty: HighLevel's published keys). */
export const highLevelKeyProblems = (settings: ProfileParameters) => [
	...keyProblems('Ed25519 Public Key', settings.highLevelEd25519PublicKey, 'ed25519'),
	...keyProblems('RSA Public Key', settings.highLevelRsaPublicKey, 'rsa'),
];
