import { Webhook } from 'standardwebhooks';

import { crmAuthenticator, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { standardWebhooks } from '../../../../nodes/shared/crm/standardWebhooks';
import { signStandardWebhook } from '../../../../nodes/shared/signatures/standardWebhooks';
import { standardWebhooksKeyPair } from '../signatures/ed25519Keys';
import { eventsOf, fixture, requestInput } from './fixtures';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = fixture('standardWebhooks', 'contact-created.json');
const now = new Date('2025-01-15T10:30:00Z');
const signed = (id = 'msg_2Lq7cDkW0sYQ', bytes = body) => ({
	'webhook-id': id,
	'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
	'webhook-signature': new Webhook(secret).sign(id, now, bytes.toString()),
});
const options = { toleranceSeconds: 300, nowSeconds: Math.floor(now.getTime() / 1000) };
// Whatever scheme the credential names, this profile verifies Standard Webhooks.
const credential = { scheme: 'hmac', secret };

describe('Standard Webhooks profile', () => {
	it('verifies a request signed by the reference library, with the credential’s scheme overridden', () => {
		const request = { headers: signed(), query: {}, rawBody: body };
		expect(crmAuthenticator(standardWebhooks, 'signingSecret', credential, {})(request, options)).toMatchObject({
			valid: true,
			scheme: 'standard-webhooks',
			messageId: 'msg_2Lq7cDkW0sYQ',
		});
		expect(crmSecretHeaders(standardWebhooks, 'signingSecret', credential)).toEqual(['webhook-signature', 'svix-signature']);
	});

	it('rejects a tampered body and an old timestamp', () => {
		const tampered = Buffer.from(body.toString().replace('Ada', 'Eve'));
		expect(
			crmAuthenticator(standardWebhooks, 'signingSecret', credential, {})({ headers: signed(), query: {}, rawBody: tampered }, options),
		).toMatchObject({ valid: false, reason: 'mismatch' });
		const later = { ...options, nowSeconds: options.nowSeconds + 3600 };
		expect(
			crmAuthenticator(standardWebhooks, 'signingSecret', credential, {})({ headers: signed(), query: {}, rawBody: body }, later),
		).toMatchObject({ valid: false, reason: 'expired' });
	});

	it('verifies a v1a (Ed25519) request with the credential’s whpk_ public key, in Public Keys or in Secret', () => {
		const [keys, stranger] = [standardWebhooksKeyPair(), standardWebhooksKeyPair()];
		const v1a = (secretKey: string) => ({
			headers: signStandardWebhook(secretKey, body, options.nowSeconds, 'msg_v1a'),
			query: {},
			rawBody: body,
		});
		for (const receiver of [
			{ scheme: 'standardWebhooks', secret, publicKeys: keys.publicKeyText },
			{ scheme: 'standardWebhooks', secret: keys.publicKeyText },
		]) {
			const authenticate = crmAuthenticator(standardWebhooks, 'signingSecret', receiver, {});
			expect(authenticate(v1a(keys.secretKey), options)).toMatchObject({ valid: true, messageId: 'msg_v1a' });
			expect(authenticate(v1a(stranger.secretKey), options)).toMatchObject({ valid: false, reason: 'mismatch' });
			expect(crmSecretHeaders(standardWebhooks, 'signingSecret', receiver)).toEqual(['webhook-signature', 'svix-signature']);
		}
	});

	it('normalises {type, timestamp, data} with webhook-id as the event id', () => {
		const [event] = eventsOf(standardWebhooks.normalise(requestInput(body, { headers: signed() })));
		expect(event).toEqual({
			event: 'contact.created',
			sourceEvent: 'contact.created',
			crm: 'standardWebhooks',
			eventId: 'msg_2Lq7cDkW0sYQ',
			occurredAt: '2022-11-03T20:26:10.344Z',
			object: { type: 'contact', id: 'cont_2xY9' },
			data: { id: 'cont_2xY9', email: 'ada@example.com', name: 'Ada Lovelace' },
			context: {},
		});
	});

	it('reads Svix’s svix-id header too', () => {
		const [event] = eventsOf(standardWebhooks.normalise(requestInput(body, { headers: { 'svix-id': 'msg_svix' } })));
		expect(event.eventId).toBe('msg_svix');
	});

	describe('payloads without a type (the spec only recommends one)', () => {
		// The published vector (standard-webhooks libraries/javascript/src/webhook.test.ts, "sign function works").
		const vector = {
			id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
			timestamp: 1614265330,
			body: Buffer.from('{"test": 2432232314}'),
			headers: {
				'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
				'webhook-timestamp': '1614265330',
				'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
			},
		};

		it('verify and become one event named webhook.received, with webhook-id as the event id', () => {
			const request = { headers: vector.headers, query: {}, rawBody: vector.body };
			const at = { toleranceSeconds: 300, nowSeconds: vector.timestamp };
			expect(crmAuthenticator(standardWebhooks, 'signingSecret', credential, {})(request, at)).toMatchObject({ valid: true });
			const [event] = eventsOf(standardWebhooks.normalise(requestInput(vector.body, { headers: vector.headers })));
			expect(event).toMatchObject({
				event: 'webhook.received',
				sourceEvent: 'webhook.received',
				eventId: vector.id,
				occurredAt: '2021-02-25T15:02:10.000Z',
				data: { test: 2432232314 },
			});
		});

		it('take the name the node sets, and still prefer a type when one is sent', () => {
			const untyped = Buffer.from(JSON.stringify({ email: 'ada@example.com', username: 'ada' }));
			const settings = { untypedEventName: 'user.signed_up' };
			const [event] = eventsOf(standardWebhooks.normalise(requestInput(untyped, { headers: signed('msg_2', untyped), settings })));
			expect(event).toMatchObject({ event: 'user.signed_up', eventId: 'msg_2', data: { email: 'ada@example.com', username: 'ada' } });
			expect(eventsOf(standardWebhooks.normalise(requestInput(body, { headers: signed(), settings })))[0].event).toBe('contact.created');
		});
	});
});
