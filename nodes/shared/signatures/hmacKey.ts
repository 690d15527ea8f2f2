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
const cachesByDecoder = new Map<Decoder, BoundedCache<string, KeyObject>>();

/** The key for `secret`, decoded by `toBytes` (UTF-8 by default; Standard Webhooks decodes base64). */
export function hmacKey(secret: string, toBytes: Decoder = utf8): KeyObject {
	let keys = cachesByDecoder.get(toBytes);
	if (!keys) cachesByDecoder.set(toBytes, (keys = new BoundedCache(MAX_CACHED_KEYS)));
	return keys.getOrCreate(secret, () => createSecretKey(toBytes(secret)));
}
