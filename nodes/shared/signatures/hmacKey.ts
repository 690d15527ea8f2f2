import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { BoundedCache } from '../boundedCache';

/**
 * HMAC keys as KeyObjects, made once per secret. On Node 24 (n8n 2.x), createHmac spends about 6 µs
 * validating a raw string or Buffer key on every call, more than the HMAC of a 1 KB body; a
 * KeyObject skips that. A workflow uses one or two secrets, so a few recent ones are kept per decoder.
 */
export const MAX_CACHED_KEYS = 16;

type Decoder = (secret: string) => Buffer;
const utf8: Decoder = (secret) => Buffer.from(secret, 'utf8');

/**
 * Hex-decoded bytes (Close gives its `signature_key` as hex). Text that is not hex stays UTF-8: decoding it
 * would silently drop characters, and such a key cannot match a hex-keyed sender anyway.
 */
export const hexKey: Decoder = (secret) => {
	const trimmed = secret.trim();
	return /^(?:[0-9a-f]{2})+$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : utf8(secret);
};

/** Base64 text, padded or not; a secret that is anything else is not a base64 key. */
export const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;

/** Base64-decoded bytes. As with hexKey, text that is not base64 stays UTF-8 (it cannot match a base64-keyed sender). */
export const base64Key: Decoder = (secret) => {
	const trimmed = secret.trim();
	return BASE64_TEXT.test(trimmed) ? Buffer.from(trimmed, 'base64') : utf8(secret);
};

/** `whsec_` followed by base64 (Standard Webhooks, Svix): the base64 part, decoded. */
export const whsecKey: Decoder = (secret) => base64Key(secret.trim().replace(/^whsec_/, ''));

/** How a secret becomes HMAC key bytes: its UTF-8 text (default), hex, base64, or whsec_-prefixed base64. */
export type KeyEncoding = 'utf8' | 'hex' | 'base64' | 'whsec';

export const KEY_DECODERS: Record<KeyEncoding, Decoder> = { utf8, hex: hexKey, base64: base64Key, whsec: whsecKey };

const cachesByDecoder = new Map<Decoder, BoundedCache<string, KeyObject>>();

/** The key for `secret`, decoded by `toBytes` (UTF-8 by default; Standard Webhooks decodes base64). */
export function hmacKey(secret: string, toBytes: Decoder = utf8): KeyObject {
	let keys = cachesByDecoder.get(toBytes);
	if (!keys) cachesByDecoder.set(toBytes, (keys = new BoundedCache(MAX_CACHED_KEYS)));
	return keys.getOrCreate(secret, () => createSecretKey(toBytes(secret)));
}
