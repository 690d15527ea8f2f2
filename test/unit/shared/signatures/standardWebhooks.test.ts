import { Webhook } from 'standardwebhooks';

import {
	computeStandardWebhookSignature,
	signStandardWebhook,
	verifyStandardWebhook,
} from '../../../../nodes/shared/signatures/standardWebhooks';

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
});
