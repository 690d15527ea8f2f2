import { createHmac } from 'node:crypto';

import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';

import { verifyRequestSignature } from '../../../../nodes/shared/signatures';
import type { SigningConfig } from '../../../../nodes/shared/signatures';
import { previousSignatureHeader } from '../../../../nodes/shared/signatures/hmac';
import { signWithSecrets } from '../../../../nodes/shared/signatures/rotation';
import { standardWebhooksKeyPair } from './ed25519Keys';

const stripe = new Stripe('sk_test_unused');
const body = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'deal.won' }));
const now = Math.floor(Date.now() / 1000);
const input = { body, timestampSeconds: now, messageId: 'msg_1' };
const lower = (headers: Record<string, string>) =>
	Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe('signing with the current and previous secrets during a rotation', () => {
	it('Standard Webhooks: the standardwebhooks library verifies the request with either secret', () => {
		const [current, previous] = ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'];
		const headers = signWithSecrets({ scheme: 'standardWebhooks' }, [current, previous], input);
		expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
		for (const secret of [current, previous]) expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
		expect(() => new Webhook('whsec_' + Buffer.from('another secret!!').toString('base64')).verify(body, headers)).toThrow();
	});

	it('Stripe-style: stripe-node verifies the request with either secret', () => {
		const config: SigningConfig = { scheme: 'timestamped', headerName: 'Stripe-Signature' };
		const headers = signWithSecrets(config, ['whsec_new', 'whsec_old'], input);
		expect(headers['Stripe-Signature']).toMatch(new RegExp(`^t=${now},v1=[0-9a-f]{64},v1=[0-9a-f]{64}$`));
		for (const secret of ['whsec_new', 'whsec_old']) {
			expect(stripe.webhooks.constructEvent(body, headers['Stripe-Signature'], secret)).toMatchObject({ id: 'evt_1' });
		}
		expect(() => stripe.webhooks.constructEvent(body, headers['Stripe-Signature'], 'whsec_other')).toThrow();
		// The triggers accept it with either secret too.
		expect(verifyRequestSignature(config, ['whsec_old'], lower(headers), body, { toleranceSeconds: 300 })).toMatchObject({ valid: true });
	});

	it('plain HMAC: the newest previous secret signs in <header>-Previous, the current one in the header', () => {
		const config: SigningConfig = {
			scheme: 'hmac',
			headerName: 'X-Webhook-Signature',
			algorithm: 'sha256',
			encoding: 'hex',
			prefix: 'sha256=',
			signedContent: 'body',
			timestampHeaderName: 'X-Webhook-Timestamp',
		};
		const headers = signWithSecrets(config, ['new', 'old', 'older'], input);
		const hmac = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
		expect(headers).toEqual({ 'X-Webhook-Signature': hmac('new'), [previousSignatureHeader('X-Webhook-Signature')]: hmac('old') });
	});

	it('signs with the current secret only when no previous one is in its overlap', () => {
		const headers = signWithSecrets({ scheme: 'standardWebhooks' }, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], input);
		expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
	});

	it('Standard Webhooks from a whsec_ secret to a whsk_ key: v1a and v1 side by side; a whpk_ key among the previous ones only verifies', () => {
		const keys = standardWebhooksKeyPair();
		const previous = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
		const headers = signWithSecrets({ scheme: 'standardWebhooks' }, [keys.secretKey, previous, keys.publicKeyText], input);
		expect(headers['webhook-signature'].split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1a', 'v1']);
		// The reference library checks the v1 entry; a receiver holding the public key checks the v1a one.
		expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
		const receiver: SigningConfig = { scheme: 'standardWebhooks', publicKeys: [keys.publicKeyText] };
		expect(verifyRequestSignature(receiver, [], headers, body, { toleranceSeconds: 300 })).toMatchObject({ valid: true, secretIndex: 0 });
	});
});
