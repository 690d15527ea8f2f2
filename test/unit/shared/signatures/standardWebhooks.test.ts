import { verify } from 'node:crypto';

import { Webhook } from 'standardwebhooks';

import {
	computeStandardWebhookSignature,
	MAX_V1A_SIGNATURES,
	signStandardWebhook,
	verifyStandardWebhook,
} from '../../../../nodes/shared/signatures/standardWebhooks';
import { SIGNET_VECTOR, standardWebhooksKeyPair } from './ed25519Keys';

// The official vector from standard-webhooks/standard-webhooks libraries/javascript/src/webhook.test.ts.
const VECTOR = {
	secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
	timestamp: 1614265330,
	body: Buffer.from('{"test": 2432232314}'),
	signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = { toleranceSeconds: 300, nowSeconds: VECTOR.timestamp };
const vectorHeaders = (signature = VECTOR.signature) => ({
	'webhook-id': VECTOR.messageId,
	'webhook-timestamp': String(VECTOR.timestamp),
	'webhook-signature': signature,
});

describe('Standard Webhooks', () => {
	it('reproduces the published test vector', () => {
		expect(computeStandardWebhookSignature(VECTOR.secret, VECTOR.messageId, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
	});

	it('verifies the published vector', () => {
		expect(verifyStandardWebhook([VECTOR.secret], vectorHeaders(), VECTOR.body, at)).toEqual({
			valid: true,
			scheme: 'standard-webhooks',
			secretIndex: 0,
			timestampSeconds: VECTOR.timestamp,
			messageId: VECTOR.messageId,
		});
	});

	it('rejects a tampered body', () => {
		const tampered = Buffer.from('{"test": 2432232315}');
		expect(verifyStandardWebhook([VECTOR.secret], vectorHeaders(), tampered, at)).toMatchObject({
			valid: false,
			reason: 'mismatch',
		});
	});

	it('verifies a webhook-timestamp in milliseconds over its text as sent, and still rejects a tampered body', () => {
		const milliseconds = `${VECTOR.timestamp}000`;
		const signature = computeStandardWebhookSignature(VECTOR.secret, VECTOR.messageId, milliseconds, VECTOR.body);
		const headers = { ...vectorHeaders(signature), 'webhook-timestamp': milliseconds };
		expect(verifyStandardWebhook([VECTOR.secret], headers, VECTOR.body, at)).toMatchObject({
			valid: true,
			timestampSeconds: VECTOR.timestamp,
		});
		expect(verifyStandardWebhook([VECTOR.secret], headers, Buffer.from('{"test": 1}'), at)).toMatchObject({ reason: 'mismatch' });
		// The seconds read from it are not what was signed.
		const secondsSigned = { ...vectorHeaders(), 'webhook-timestamp': milliseconds };
		expect(verifyStandardWebhook([VECTOR.secret], secondsSigned, VECTOR.body, at)).toMatchObject({ reason: 'mismatch' });
	});

	it('rejects a wrong secret', () => {
		const wrong = 'whsec_' + Buffer.from('another secret of 24 bytes!').toString('base64');
		expect(verifyStandardWebhook([wrong], vectorHeaders(), VECTOR.body, at)).toMatchObject({ reason: 'mismatch' });
	});

	it('rejects a timestamp outside the tolerance, in the past and in the future', () => {
		for (const skew of [-301, 301]) {
			const result = verifyStandardWebhook([VECTOR.secret], vectorHeaders(), VECTOR.body, {
				toleranceSeconds: 300,
				nowSeconds: VECTOR.timestamp + skew,
			});
			expect(result).toMatchObject({ valid: false, reason: 'expired' });
		}
	});

	it('accepts a rotated secret and reports which one matched', () => {
		const next = 'whsec_' + Buffer.from('the next secret, 32 bytes long!!').toString('base64');
		expect(verifyStandardWebhook([next, VECTOR.secret], vectorHeaders(), VECTOR.body, at)).toMatchObject({
			valid: true,
			secretIndex: 1,
		});
	});

	it('finds the v1 entry among several signatures', () => {
		const header = `v1a,c29tZXRoaW5nIGVsc2U= v1,bm90IHRoaXMgb25l ${VECTOR.signature}`;
		expect(verifyStandardWebhook([VECTOR.secret], vectorHeaders(header), VECTOR.body, at).valid).toBe(true);
	});

	it('accepts the svix-* header names', () => {
		const headers = {
			'svix-id': VECTOR.messageId,
			'svix-timestamp': String(VECTOR.timestamp),
			'svix-signature': VECTOR.signature,
		};
		expect(verifyStandardWebhook([VECTOR.secret], headers, VECTOR.body, at).valid).toBe(true);
	});

	it.each([
		['missing signature', { 'webhook-id': 'a', 'webhook-timestamp': '1614265330' }, 'missing'],
		['garbage signature', vectorHeaders('garbage'), 'malformed'],
		['non-numeric timestamp', { ...vectorHeaders(), 'webhook-timestamp': 'yesterday' }, 'malformed'],
		['duplicated signature header', { ...vectorHeaders(), 'webhook-signature': [VECTOR.signature, VECTOR.signature] }, 'malformed'],
	])('names the problem for a %s', (_label, headers, reason) => {
		expect(verifyStandardWebhook([VECTOR.secret], headers, VECTOR.body, at)).toMatchObject({ valid: false, reason });
	});

	it('signs exactly as the standardwebhooks library and verifies what it signs', () => {
		const oracle = new Webhook(VECTOR.secret);
		const body = Buffer.from(JSON.stringify({ type: 'contact.created', data: { id: 42, note: 'ünïcode "quoted"' } }));
		const now = Math.floor(Date.now() / 1000);
		const headers = signStandardWebhook(VECTOR.secret, body, now, 'msg_oracle');
		expect(headers['webhook-signature']).toBe(oracle.sign('msg_oracle', new Date(now * 1000), body));
		expect(() => oracle.verify(body, headers)).not.toThrow();
		expect(verifyStandardWebhook([VECTOR.secret], headers, body, { toleranceSeconds: 300 }).valid).toBe(true);
	});

	describe('v1a: Ed25519 signatures', () => {
		const signet = { 'webhook-id': 'i', 'webhook-timestamp': '0', 'webhook-signature': `v1a,${SIGNET_VECTOR.signature}` };
		const hello = Buffer.from('Hello, world!');
		const atZero = { toleranceSeconds: 300, nowSeconds: 0 };
		const keys = standardWebhooksKeyPair();
		const body = Buffer.from('{"type":"contact.created","data":{"id":"c_1"}}');
		const now = Math.floor(Date.now() / 1000);
		const signedBy = (secretKey: string) => signStandardWebhook(secretKey, body, now, 'msg_v1a');

		it('signs and verifies the signet vector (webhook-id i, webhook-timestamp 0, body Hello, world!)', () => {
			expect(computeStandardWebhookSignature(SIGNET_VECTOR.secretKey, 'i', 0, hello)).toBe(signet['webhook-signature']);
			expect(verifyStandardWebhook([SIGNET_VECTOR.publicKey], signet, hello, atZero)).toEqual({
				valid: true,
				scheme: 'standard-webhooks',
				secretIndex: 0,
				timestampSeconds: 0,
				messageId: 'i',
			});
			expect(verifyStandardWebhook([SIGNET_VECTOR.publicKey], signet, Buffer.from('Hello, world?'), atZero)).toMatchObject({
				reason: 'mismatch',
			});
		});

		it('a whsk_ key signs v1a over id.timestamp.body, which node:crypto verifies with the public key', () => {
			const headers = signedBy(keys.secretKey);
			const [version, signature] = headers['webhook-signature'].split(',');
			expect(version).toBe('v1a');
			const content = Buffer.concat([Buffer.from(`msg_v1a.${now}.`), body]);
			expect(verify(null, content, keys.publicKey, Buffer.from(signature, 'base64'))).toBe(true);
			expect(verifyStandardWebhook([keys.publicKeyText], headers, body, { toleranceSeconds: 300 }).valid).toBe(true);
		});

		it('refuses a v1a signature from another key, and a tampered body', () => {
			const other = standardWebhooksKeyPair();
			expect(verifyStandardWebhook([keys.publicKeyText], signedBy(other.secretKey), body, { toleranceSeconds: 300 })).toMatchObject({
				reason: 'mismatch',
			});
			const tampered = Buffer.from(body.toString().replace('c_1', 'c_2'));
			expect(verifyStandardWebhook([keys.publicKeyText], signedBy(keys.secretKey), tampered, { toleranceSeconds: 300 })).toMatchObject({
				reason: 'mismatch',
			});
		});

		it('checks each key against the signatures of its version only', () => {
			const v1a = signedBy(keys.secretKey);
			const v1 = signStandardWebhook(VECTOR.secret, body, now, 'msg_v1a');
			const both = { ...v1, 'webhook-signature': `${v1['webhook-signature']} ${v1a['webhook-signature']}` };
			const within = { toleranceSeconds: 300 };
			// The spec's example header carries one of each: a receiver with either key accepts it.
			expect(verifyStandardWebhook([keys.publicKeyText], both, body, within).valid).toBe(true);
			expect(verifyStandardWebhook([VECTOR.secret], both, body, within).valid).toBe(true);
			// A v1a signature does not satisfy a whsec_ secret, nor a v1 signature a public key.
			expect(verifyStandardWebhook([VECTOR.secret], v1a, body, within)).toMatchObject({ reason: 'mismatch' });
			expect(verifyStandardWebhook([keys.publicKeyText], v1, body, within)).toMatchObject({ reason: 'mismatch' });
		});

		it('accepts any of several public keys and reports which one matched; a whsk_ key verifies through its public half', () => {
			const next = standardWebhooksKeyPair();
			const keysHeld = [VECTOR.secret, next.publicKeyText, keys.publicKeyText];
			expect(verifyStandardWebhook(keysHeld, signedBy(keys.secretKey), body, { toleranceSeconds: 300 })).toMatchObject({
				valid: true,
				secretIndex: 2,
			});
			expect(verifyStandardWebhook([keys.secretKey], signedBy(keys.secretKey), body, { toleranceSeconds: 300 }).valid).toBe(true);
		});

		it('keeps the replay window for v1a', () => {
			const late = { toleranceSeconds: 300, nowSeconds: now + 301 };
			expect(verifyStandardWebhook([keys.publicKeyText], signedBy(keys.secretKey), body, late)).toMatchObject({ reason: 'expired' });
		});

		it(`refuses more than ${MAX_V1A_SIGNATURES} v1a signatures without checking them`, () => {
			const headers = signedBy(keys.secretKey);
			const many = {
				...headers,
				'webhook-signature': Array(MAX_V1A_SIGNATURES + 1)
					.fill(headers['webhook-signature'])
					.join(' '),
			};
			expect(verifyStandardWebhook([keys.publicKeyText], many, body, { toleranceSeconds: 300 })).toMatchObject({ reason: 'malformed' });
			const enough = { ...headers, 'webhook-signature': Array(MAX_V1A_SIGNATURES).fill(headers['webhook-signature']).join(' ') };
			expect(verifyStandardWebhook([keys.publicKeyText], enough, body, { toleranceSeconds: 300 }).valid).toBe(true);
		});

		it('a whpk_ public key cannot sign', () => {
			expect(() => signStandardWebhook(keys.publicKeyText, body, now, 'msg_1')).toThrow('Only a whsk_ secret key can sign v1a');
		});
	});
});
