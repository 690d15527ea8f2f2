import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { BoundedCache } from '../boundedCache';
import { MAX_CACHED_KEYS } from './hmacKey';

/**
 * Standard Webhooks' asymmetric keys (spec/standard-webhooks.md: "Standard ed25519 key pair", base64 encoded,
 * prefixed with `whsk_` for the secret key and `whpk_` for the public key). A `whpk_` key is the raw 32-byte
 * public key. A `whsk_` key is the 32-byte seed, as the signet implementation renders it, or libsodium's
 * 64-byte seed followed by the public key. Keys become KeyObjects once; errors never quote a key.
 */
export const ED25519_PUBLIC_KEY_PREFIX = 'whpk_';
export const ED25519_SECRET_KEY_PREFIX = 'whsk_';
const SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** PKCS#8 DER of an Ed25519 private key (RFC 8410) up to its 32-byte seed. */
const PKCS8_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export const isEd25519PublicKey = (key: string) => key.startsWith(ED25519_PUBLIC_KEY_PREFIX);
export const isEd25519SecretKey = (key: string) => key.startsWith(ED25519_SECRET_KEY_PREFIX);
/** A Standard Webhooks key that verifies `v1a` signatures (a secret key verifies through its public half). */
export const isEd25519Key = (key: string) => isEd25519PublicKey(key) || isEd25519SecretKey(key);

function keyBytes(key: string, prefix: string, lengths: readonly number[], what: string): Buffer {
	const base64 = key.slice(prefix.length).trim();
	const bytes = BASE64.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
	if (!lengths.includes(bytes.length)) {
		throw new Error(`A Standard Webhooks ${what} must be "${prefix}" followed by the base64 of ${lengths.join(' or ')} bytes`);
	}
	return bytes;
}

const rawPublicKey = (key: KeyObject) => Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');

/**
 * The encodings of the curve's small-order points (libsodium's blacklist, sign bit cleared). Such a "public key"
 * verifies one fixed signature over any message, so a key equal to one of them would let anyone sign.
 */
const SMALL_ORDER_POINTS = [
	'0000000000000000000000000000000000000000000000000000000000000000',
	'0100000000000000000000000000000000000000000000000000000000000000',
	'26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
	'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
	'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Buffer.from(hex, 'hex'));
/** 2^255 - 19, little-endian: an encoded y at or above it is not canonical. */
const FIELD_PRIME = Buffer.from('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex');

const lessThanLittleEndian = (a: Buffer, b: Buffer) => {
	for (let index = a.length - 1; index >= 0; index--) if (a[index] !== b[index]) return a[index] < b[index];
	return false;
};

/**
 * Throws when a raw 32-byte Ed25519 public key is a small-order point or not canonical: a key no honest
 * sender has, and one that would accept forged signatures. Every Ed25519 key the triggers accept passes here.
 */
export function assertUsableEd25519PublicKey(raw: Buffer): void {
	const y = Buffer.from(raw);
	y[31] &= 0x7f;
	if (raw.length !== 32 || SMALL_ORDER_POINTS.some((point) => point.equals(y)) || !lessThanLittleEndian(y, FIELD_PRIME)) {
		throw new Error(
			'This Ed25519 public key is a weak (small-order or non-canonical) key that would accept forged signatures; use the sender’s real key',
		);
	}
}

/** The public key of an Ed25519 KeyObject, checked with assertUsableEd25519PublicKey. */
export function checkedEd25519PublicKey(key: KeyObject): KeyObject {
	if (key.asymmetricKeyType === 'ed25519') assertUsableEd25519PublicKey(rawPublicKey(key));
	return key;
}

const privateKeys = new BoundedCache<string, KeyObject>(MAX_CACHED_KEYS);
const publicKeys = new BoundedCache<string, KeyObject>(MAX_CACHED_KEYS);

function privateKeyOf(secretKey: string): KeyObject {
	return privateKeys.getOrCreate(secretKey, () => {
		const bytes = keyBytes(secretKey, ED25519_SECRET_KEY_PREFIX, [32, 64], 'secret key');
		const key = createPrivateKey({ key: Buffer.concat([PKCS8_SEED_PREFIX, bytes.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
		if (bytes.length === 64 && !rawPublicKey(createPublicKey(key)).equals(bytes.subarray(32))) {
			throw new Error('A 64-byte Standard Webhooks secret key (whsk_) must end with the public key of its first 32 bytes');
		}
		return key;
	});
}

/** The key that checks signatures: a `whpk_` key itself, or the public half of a `whsk_` key. */
function verifyingKeyOf(key: string): KeyObject {
	return publicKeys.getOrCreate(key, () => {
		if (isEd25519SecretKey(key)) return createPublicKey(privateKeyOf(key));
		const raw = keyBytes(key, ED25519_PUBLIC_KEY_PREFIX, [32], 'public key');
		assertUsableEd25519PublicKey(raw);
		return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
	});
}

/** Throws the plain-language reason a `whsk_` or `whpk_` key cannot be used; the credential checks call it. */
export function checkEd25519Key(key: string): void {
	verifyingKeyOf(key);
}

/** The base64 Ed25519 signature of `content` with a `whsk_` secret key. */
export function signEd25519(secretKey: string, content: Buffer): string {
	if (!isEd25519SecretKey(secretKey)) {
		throw new Error('Only a whsk_ secret key can sign v1a; a whpk_ public key verifies what its secret key signed');
	}
	return cryptoSign(null, content, privateKeyOf(secretKey)).toString('base64');
}

/**
 * Whether `signature` (base64) is the Ed25519 signature of `content` under `key` (`whpk_`, or a `whsk_`'s public
 * half). A key that cannot be used verifies nothing, so the other configured keys are still tried.
 */
export function verifyEd25519(key: string, content: Buffer, signature: string): boolean {
	if (!BASE64.test(signature)) return false;
	const bytes = Buffer.from(signature, 'base64');
	if (bytes.length !== SIGNATURE_BYTES) return false;
	let verifyingKey: KeyObject;
	try {
		verifyingKey = verifyingKeyOf(key);
	} catch {
		return false;
	}
	return cryptoVerify(null, content, verifyingKey, bytes);
}
