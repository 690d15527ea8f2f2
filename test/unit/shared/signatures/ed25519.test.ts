import { createPublicKey, sign, verify } from 'node:crypto';

import {
	checkedEd25519PublicKey,
	checkEd25519Key,
	isEd25519Key,
	signEd25519,
	verifyEd25519,
} from '../../../../nodes/shared/signatures/ed25519';
import { SIGNET_VECTOR, standardWebhooksKeyPair } from './ed25519Keys';

describe('Standard Webhooks Ed25519 keys (v1a)', () => {
	it('reproduces and verifies the signet vector', () => {
		expect(signEd25519(SIGNET_VECTOR.secretKey, SIGNET_VECTOR.content)).toBe(SIGNET_VECTOR.signature);
		expect(verifyEd25519(SIGNET_VECTOR.publicKey, SIGNET_VECTOR.content, SIGNET_VECTOR.signature)).toBe(true);
		expect(verifyEd25519(SIGNET_VECTOR.publicKey, Buffer.from('i.0.Hello, world?'), SIGNET_VECTOR.signature)).toBe(false);
	});

	it('signs what node:crypto verifies with the public key, and verifies what node:crypto signs', () => {
		const keys = standardWebhooksKeyPair();
		const content = Buffer.from('msg_1.1700000000.{"type":"contact.created"}');
		expect(verify(null, content, keys.publicKey, Buffer.from(signEd25519(keys.secretKey, content), 'base64'))).toBe(true);
		const signature = sign(null, content, keys.privateKey).toString('base64');
		expect(verifyEd25519(keys.publicKeyText, content, signature)).toBe(true);
		// A secret key verifies through its public half.
		expect(verifyEd25519(keys.secretKey, content, signature)).toBe(true);
	});

	it('reads a 64-byte secret key (seed, then public key) as its seed, and refuses one whose halves do not belong together', () => {
		const keys = standardWebhooksKeyPair();
		const content = Buffer.from('a.1.b');
		expect(signEd25519(keys.secretKey64, content)).toBe(signEd25519(keys.secretKey, content));
		const other = standardWebhooksKeyPair();
		const mismatched = `whsk_${Buffer.concat([
			Buffer.from(keys.secretKey.slice(5), 'base64'),
			Buffer.from(other.publicKeyText.slice(5), 'base64'),
		]).toString('base64')}`;
		expect(() => signEd25519(mismatched, content)).toThrow('must end with the public key of its first 32 bytes');
	});

	it('refuses a signature made with another key, a short or non-base64 one', () => {
		const [keys, other] = [standardWebhooksKeyPair(), standardWebhooksKeyPair()];
		const content = Buffer.from('a.1.b');
		expect(verifyEd25519(keys.publicKeyText, content, signEd25519(other.secretKey, content))).toBe(false);
		expect(verifyEd25519(keys.publicKeyText, content, signEd25519(keys.secretKey, content).slice(0, 40))).toBe(false);
		expect(verifyEd25519(keys.publicKeyText, content, '!'.repeat(88))).toBe(false);
	});

	it('a public key cannot sign', () => {
		expect(() => signEd25519(SIGNET_VECTOR.publicKey, SIGNET_VECTOR.content)).toThrow('Only a whsk_ secret key can sign v1a');
	});

	it('names a key of the wrong size without quoting it', () => {
		const short = `whpk_${Buffer.alloc(16, 7).toString('base64')}`;
		expect(() => checkEd25519Key(short)).toThrow('"whpk_" followed by the base64 of 32 bytes');
		expect(() => checkEd25519Key('whsk_not base64')).toThrow('"whsk_" followed by the base64 of 32 or 64 bytes');
		try {
			checkEd25519Key(short);
		} catch (error) {
			expect((error as Error).message).not.toContain(short.slice(5));
		}
		expect(() => checkEd25519Key(SIGNET_VECTOR.secretKey)).not.toThrow();
	});

	it('tells keys from whsec_ secrets by their prefix', () => {
		expect([SIGNET_VECTOR.publicKey, SIGNET_VECTOR.secretKey, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'].map(isEd25519Key)).toEqual([
			true,
			true,
			false,
		]);
	});
	// libsodium's small-order encodings: each verifies one fixed signature over any message.
	const WEAK_KEYS = [
		'0000000000000000000000000000000000000000000000000000000000000000',
		'0100000000000000000000000000000000000000000000000000000000000000',
		'26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
		'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
		'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
		'0000000000000000000000000000000000000000000000000000000000000080',
	];

	it.each(WEAK_KEYS)('refuses the small-order public key %s, and the forged signature it would accept', (hex) => {
		const key = `whpk_${Buffer.from(hex, 'hex').toString('base64')}`;
		expect(() => checkEd25519Key(key)).toThrow(/weak \(small-order or non-canonical\)/);
		// R = the identity point, S = 0: what a small-order key accepts for every message.
		const forged = Buffer.concat([Buffer.from('01', 'hex'), Buffer.alloc(63)]).toString('base64');
		expect(verifyEd25519(key, Buffer.from('{"forged":true}'), forged)).toBe(false);
	});

	it('refuses a non-canonical public key (y at or above the field prime)', () => {
		const key = `whpk_${Buffer.from('f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex').toString('base64')}`;
		expect(() => checkEd25519Key(key)).toThrow(/weak/);
	});

	it('refuses a weak key given as an SPKI public key (HighLevel-style PEM/DER) and accepts a real one', () => {
		const spki = (raw: Buffer) =>
			createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
		expect(() => checkedEd25519PublicKey(spki(Buffer.alloc(32)))).toThrow(/weak/);
		const real = standardWebhooksKeyPair().publicKey;
		expect(checkedEd25519PublicKey(real)).toBe(real);
	});

	it('a key that cannot be read verifies nothing instead of throwing, so the next key is still tried', () => {
		expect(verifyEd25519('whpk_bm90LWEta2V5', Buffer.from('x'), Buffer.alloc(64).toString('base64'))).toBe(false);
	});
});
