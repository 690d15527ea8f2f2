import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';

import { crmAuthenticator, crmProfile, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { hubspot } from '../../../../nodes/shared/crm/hubspot';
import { publicRequestUrl } from '../../../../nodes/shared/http/publicUrl';
import { runInboundPipeline } from '../../../../nodes/shared/inbound/pipeline';
import { compileInboundPolicy } from '../../../../nodes/shared/inbound/policy';
import { eventsOf, fixture, requestInput, RECEIVED_AT } from './fixtures';

const secret = 'hubspot-client-secret';
// Only the secret counts: the credential's HMAC header and encoding are not HubSpot's and do not matter.
const credential = { scheme: 'hmac', secret, hmacHeaderName: 'X-Other', algorithm: 'sha1', encoding: 'base64' };
const documented = fixture('hubspot', 'contact-events.json');
const mixed = fixture('hubspot', 'mixed-events.json');
const PUBLIC_URL = 'https://crm.example.com/webhook/crm-hubspot';
const v3Headers = (url: string, body: Buffer, timestampMs: number, key = secret) => ({
	'content-type': 'application/json',
	'x-hubspot-request-timestamp': String(timestampMs),
	'x-hubspot-signature-v3': createHmac('sha256', key).update(`POST${url}${body.toString()}${timestampMs}`).digest('base64'),
});

describe('HubSpot profile', () => {
	it('lists HubSpot subscription types under canonical names', () => {
		expect(crmProfile('hubspot')).toBe(hubspot);
		expect(hubspot.events.find((event) => event.value === 'deal.updated')).toEqual({
			value: 'deal.updated',
			name: 'Deal Updated (Property Change)',
			sourceNames: ['deal.propertyChange'],
		});
		expect(hubspot.events.map((event) => event.value)).toEqual(
			expect.arrayContaining(['contact.created', 'company.deleted', 'ticket.merged', 'contact.privacy_deleted', 'object.created']),
		);
	});

	it('makes one event per element of HubSpot’s documented example, eventId as the event id', () => {
		const events = eventsOf(hubspot.normalise(requestInput(documented)));
		expect(events).toHaveLength(2);
		expect(events[0]).toEqual({
			event: 'contact.updated',
			sourceEvent: 'contact.propertyChange',
			crm: 'hubspot',
			eventId: '3816279340',
			occurredAt: '2016-05-02T19:11:47.945Z',
			object: { type: 'contact', id: '1246965' },
			data: { objectId: 1246965, propertyName: 'lifecyclestage', propertyValue: 'subscriber', changeSource: 'ACADEMY' },
			context: { portalId: 33, appId: 1160452, subscriptionId: 25, attemptNumber: 0 },
		});
		expect(events[1]).toMatchObject({ event: 'contact.created', eventId: '3816279480', object: { type: 'contact', id: '1246978' } });
	});

	it('names a generic object.creation by its objectTypeId, and keeps merge details in data', () => {
		const events = eventsOf(hubspot.normalise(requestInput(mixed)));
		expect(events.map((event) => [event.event, event.sourceEvent, event.object])).toEqual([
			['deal.updated', 'deal.propertyChange', { type: 'deal', id: '9876543210' }],
			['contact.created', 'object.creation', { type: 'contact', id: '123456789' }],
			['contact.merged', 'contact.merge', { type: 'contact', id: '123456789' }],
		]);
		expect(events[0].data).toMatchObject({ propertyName: 'dealstage', propertyValue: 'closedwon' });
		expect(events[2]).toMatchObject({ data: { mergedObjectIds: [123456700] }, context: { attemptNumber: 1 } });
		const custom = '[{"eventId":7,"subscriptionType":"object.deletion","objectTypeId":"2-123","objectId":5,"occurredAt":1735725600000}]';
		expect(eventsOf(hubspot.normalise(requestInput(custom)))[0]).toMatchObject({
			event: 'object.deleted',
			object: { type: 'object', id: '5' },
		});
	});

	it('dedupes on the whole event but its attemptNumber: HubSpot says eventId alone is not unique', () => {
		const [first] = JSON.parse(documented.toString()) as Array<Record<string, unknown>>;
		const keyOf = (record: Record<string, unknown>) => {
			const [event] = eventsOf(hubspot.normalise(requestInput(JSON.stringify([record]))));
			return hubspot.dedupeKey?.(event);
		};
		const original = keyOf(first);
		expect(original).toEqual(expect.any(String));
		// HubSpot's retry: the same event, attemptNumber raised, fields in another order.
		const { attemptNumber: _attempt, ...rest } = first;
		expect(keyOf({ attemptNumber: 3, ...rest })).toBe(original);
		// Another event under the same eventId: another account, subscription, record, time or value.
		for (const change of [
			{ portalId: 34 },
			{ subscriptionId: 26 },
			{ objectId: 1 },
			{ occurredAt: 1462216307946 },
			{ propertyValue: 'lead' },
		]) {
			expect(keyOf({ ...first, ...change })).not.toBe(original);
		}
	});

	it('refuses a body that is not an array, and answers an empty one with no event', () => {
		expect(hubspot.normalise(requestInput('{"eventId":1}'))).toEqual({ error: 'A HubSpot webhook must be a JSON array of events' });
		expect(eventsOf(hubspot.normalise(requestInput('[]')))).toEqual([]);
		expect(eventsOf(hubspot.normalise(requestInput('')))).toEqual([]);
	});

	it('checks v3 with the credential’s secret over the public URL, and redacts both signature headers', () => {
		const now = RECEIVED_AT.getTime();
		const options = { toleranceSeconds: 0, nowSeconds: Math.floor(now / 1000) };
		const authenticate = (headers: Record<string, string>) =>
			crmAuthenticator(
				hubspot,
				'signingSecret',
				credential,
				{},
				{ method: 'POST', url: PUBLIC_URL },
			)({ headers, query: {}, rawBody: documented }, options);
		expect(authenticate(v3Headers(PUBLIC_URL, documented, now))).toMatchObject({ valid: true, scheme: 'hubspot-v3' });
		expect(authenticate(v3Headers(PUBLIC_URL, documented, now, 'guess'))).toMatchObject({ valid: false });
		// Without a request line the URL is unknown: refused, never guessed.
		expect(
			crmAuthenticator(
				hubspot,
				'signingSecret',
				credential,
				{},
			)({ headers: v3Headers(PUBLIC_URL, documented, now), query: {}, rawBody: documented }, options),
		).toMatchObject({ valid: false });
		expect(crmSecretHeaders(hubspot, 'signingSecret', credential)).toEqual(['x-hubspot-signature-v3', 'x-hubspot-signature']);
	});
	it('refuses a v1 signature unless older versions are allowed: v1 signs no time, so a captured copy stays valid', () => {
		const now = RECEIVED_AT.getTime();
		const options = { toleranceSeconds: 0, nowSeconds: Math.floor(now / 1000) };
		// v1: hex SHA-256 of client secret + body, with v3 stripped from a captured delivery.
		const v1 = {
			'content-type': 'application/json',
			'x-hubspot-signature-version': 'v1',
			'x-hubspot-signature': createHash('sha256').update(`${secret}${documented.toString()}`).digest('hex'),
		};
		const authenticate = (settings: Record<string, unknown>) =>
			crmAuthenticator(hubspot, 'signingSecret', credential, settings, { method: 'POST', url: PUBLIC_URL })(
				{ headers: v1, query: {}, rawBody: documented },
				options,
			);
		expect(authenticate({})).toMatchObject({ valid: false });
		expect(authenticate({ hubspotSignatureVersions: 'v3' })).toMatchObject({ valid: false });
		expect(authenticate({ hubspotSignatureVersions: 'any' })).toMatchObject({ valid: true });
	});
});

describe('HubSpot behind a reverse proxy, through the inbound pipeline', () => {
	// The request reaches n8n at http://127.0.0.1:5678/webhook/crm-hubspot, signed for https://crm.example.com/….
	const target = '/webhook/crm-hubspot?source=hubspot%3Aapp';
	const signedFor = 'https://crm.example.com/webhook/crm-hubspot?source=hubspot:app';
	const run = (headers: Record<string, string>, url: string | undefined, nowMs: number) =>
		runInboundPipeline(
			{
				method: 'POST',
				headers: { host: '127.0.0.1:5678', ...headers },
				query: {},
				peerAddress: '127.0.0.1',
				body: Readable.from([documented]),
			},
			compileInboundPolicy({ replayWindowSeconds: 300 }),
			{
				authenticate: crmAuthenticator(hubspot, 'signingSecret', credential, {}, { method: 'POST', url }),
				nowSeconds: Math.floor(nowMs / 1000),
			},
		);
	const now = Date.parse('2026-01-01T12:00:00Z');

	it('accepts the signature for the public URL rebuilt from n8n’s Webhook URL or from trusted forwarded headers', async () => {
		const fromWebhookUrl = publicRequestUrl({ target, webhookUrl: PUBLIC_URL }, 'webhookUrl');
		const fromForwarded = publicRequestUrl(
			{ target, host: '127.0.0.1:5678', forwardedProto: 'https', forwardedHost: 'crm.example.com' },
			'forwarded',
		);
		for (const url of [fromWebhookUrl, fromForwarded]) {
			expect(await run(v3Headers(signedFor, documented, now), url, now)).toMatchObject({
				outcome: 'accepted',
				verification: { scheme: 'hubspot-v3' },
			});
		}
	});

	it('refuses it for the URL n8n saw, and a timestamp over 5 minutes old', async () => {
		const seen = publicRequestUrl({ target, host: '127.0.0.1:5678' }, 'forwarded');
		expect(await run(v3Headers(signedFor, documented, now), seen, now)).toMatchObject({
			outcome: 'rejected',
			status: 401,
			code: 'unauthorized',
		});
		const old = now - 301_000;
		expect(await run(v3Headers(signedFor, documented, old), PUBLIC_URL + '?source=hubspot%3Aapp', now)).toMatchObject({
			outcome: 'rejected',
			status: 401,
			code: 'replayed',
		});
	});
});
