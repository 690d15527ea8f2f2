import { Webhook } from 'standardwebhooks';

import { crmSecretHeaders, verifyCrmRequest } from '../../../../nodes/shared/crm';
import { standardWebhooks } from '../../../../nodes/shared/crm/standardWebhooks';
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
		expect(verifyCrmRequest(standardWebhooks, 'signingSecret', credential, request, {}, options)).toMatchObject({
			valid: true,
			scheme: 'standard-webhooks',
			messageId: 'msg_2Lq7cDkW0sYQ',
		});
		expect(crmSecretHeaders(standardWebhooks, 'signingSecret', credential)).toEqual(['webhook-signature', 'svix-signature']);
	});

	it('rejects a tampered body and an old timestamp', () => {
		const tampered = Buffer.from(body.toString().replace('Ada', 'Eve'));
		expect(
			verifyCrmRequest(standardWebhooks, 'signingSecret', credential, { headers: signed(), query: {}, rawBody: tampered }, {}, options),
		).toMatchObject({ valid: false, reason: 'mismatch' });
		const later = { ...options, nowSeconds: options.nowSeconds + 3600 };
		expect(
			verifyCrmRequest(standardWebhooks, 'signingSecret', credential, { headers: signed(), query: {}, rawBody: body }, {}, later),
		).toMatchObject({ valid: false, reason: 'expired' });
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

	it('requires a type', () => {
		expect(standardWebhooks.normalise(requestInput('{"data":{}}'))).toEqual({ error: 'The payload has no "type" field naming the event' });
	});
});
