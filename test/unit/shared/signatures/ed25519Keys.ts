import { generateKeyPairSync } from 'node:crypto';

// Published by signet, a Standard Webhooks implementation (MercuryTechnologies/signet,
// source/library/Signet/Unstable/Type/SignerTest.hs and VerifierTest.hs): the message "i.0.Hello, world!" is
// webhook-id "i", webhook-timestamp "0" and the body "Hello, world!".
export const SIGNET_VECTOR = {
	secretKey: 'whsk_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=',
	publicKey: 'whpk_wuzPrKxPfWpJSsXgyg/MEoMGvjs5SjDO4ad6X4ZYqqg=',
	content: Buffer.from('i.0.Hello, world!'),
	signature: 'CV1O+PvrwXM42OMUX+tmm6bA3cS0tgLp0qo3YKuu0MGmBrsUhA0MHXF11HsEUJtPfTKs80WE7WUKVt9TueLDCQ==',
};

/** A fresh key pair in the spec's forms, from node:crypto's raw key bytes (JWK d = seed, x = public key). */
export function standardWebhooksKeyPair() {
	const { privateKey, publicKey } = generateKeyPairSync('ed25519');
	const { d, x } = privateKey.export({ format: 'jwk' }) as { d: string; x: string };
	const [seed, raw] = [Buffer.from(d, 'base64url'), Buffer.from(x, 'base64url')];
	return {
		privateKey,
		publicKey,
		secretKey: `whsk_${seed.toString('base64')}`,
		secretKey64: `whsk_${Buffer.concat([seed, raw]).toString('base64')}`,
		publicKeyText: `whpk_${raw.toString('base64')}`,
	};
}
