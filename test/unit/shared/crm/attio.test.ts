import { createHmac } from 'node:crypto';

import { crmAuthenticator, crmProfile, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { attio } from '../../../../nodes/shared/crm/attio';
import { eventsOf, fixture, requestInput, RECEIVED_AT } from './fixtures';

const secret = 'attio-webhook-secret';
// Only the secret counts: a credential set up for another header or encoding still verifies Attio.
const credential = { scheme: 'hmac', secret, hmacHeaderName: 'X-Other', algorithm: 'sha1', encoding: 'base64' };
const options = { toleranceSeconds: 300 };
const body = fixture('attio', 'record-events.json');
const sign = (bytes = body, key = secret) => createHmac('sha256', key).update(bytes).digest('hex');
const verify = (headers: Record<string, string>, bytes = body, data: Record<string, unknown> = credential) =>
	crmAuthenticator(attio, 'signingSecret', data, {})({ headers, query: {}, rawBody: bytes }, options);

describe('Attio profile', () => {
	it('lists Attio event types under canonical names, keeping the dashed source names', () => {
		expect(crmProfile('attio')).toBe(attio);
		const listEntry = attio.events.find((event) => event.value === 'list_entry.created');
		expect(listEntry).toEqual({ value: 'list_entry.created', name: 'List Entry Created', sourceNames: ['list-entry.created'] });
		expect(attio.events.map((event) => event.value)).toEqual(
			expect.arrayContaining(['record.created', 'record.updated', 'record.deleted', 'note.created']),
		);
	});

	it('makes one event per element of events, ids from Idempotency-Key and the element place', () => {
		const events = eventsOf(attio.normalise(requestInput(body, { headers: { 'idempotency-key': 'idem-1' } })));
		expect(events).toHaveLength(2);
		expect(events[0]).toEqual({
			event: 'record.created',
			sourceEvent: 'record.created',
			crm: 'attio',
			eventId: 'idem-1:0',
			occurredAt: RECEIVED_AT.toISOString(),
			object: { type: 'record', id: 'bf071e1f-6035-429d-b874-d83ea64ea13b' },
			data: expect.objectContaining({ actor: { type: 'workspace-member', id: '50cf242c-7fa3-4cad-87d0-75b1af71c57b' } }),
			context: {
				webhookId: '8e2ac4ec-3e3c-4a0c-9a52-7d8a5c2c1f10',
				workspaceId: '14beef7a-99f7-4534-a87e-70b564330a4c',
				objectId: '97052eb9-e65e-443f-a297-f2d9a4a7f795',
			},
		});
		expect(events[1]).toMatchObject({
			event: 'note.created',
			eventId: 'idem-1:1',
			object: { type: 'note', id: 'ff3f3bd4-40f4-4f80-8187-cd02385af424' },
		});
	});

	it('uses the Idempotency-Key as it is for a single event, and maps dashed names', () => {
		const single = '{"webhook_id":"w1","events":[{"event_type":"list-entry.updated","id":{"list_id":"l1","entry_id":"e1"}}]}';
		const [event] = eventsOf(attio.normalise(requestInput(single, { headers: { 'idempotency-key': 'idem-2' } })));
		expect(event).toMatchObject({
			event: 'list_entry.updated',
			sourceEvent: 'list-entry.updated',
			eventId: 'idem-2',
			object: { id: 'e1' },
		});
	});

	it('derives a stable id without an Idempotency-Key (no authentication), so retries still dedupe', () => {
		const first = eventsOf(attio.normalise(requestInput(body)));
		const retry = eventsOf(attio.normalise({ ...requestInput(body), receivedAt: new Date() }));
		expect(first[0].eventId).toMatch(/^sha256:[0-9a-f]{40}$/);
		expect(retry.map((event) => event.eventId)).toEqual(first.map((event) => event.eventId));
		expect(first[0].eventId).not.toBe(first[1].eventId);
	});

	it('refuses a body without events and starts nothing for an empty body', () => {
		expect(attio.normalise(requestInput('{"webhook_id":"w1"}'))).toEqual({
			error: 'An Attio webhook must be a JSON object with an "events" array',
		});
		expect(attio.normalise(requestInput(''))).toEqual({ events: [] });
	});

	it('verifies the hex HMAC-SHA256 of the raw body in Attio-Signature, whatever the credential names', () => {
		expect(verify({ 'attio-signature': sign() })).toMatchObject({ valid: true, scheme: 'hmac-sha256' });
		expect(verify({ 'attio-signature': sign().toUpperCase() })).toMatchObject({ valid: true });
	});

	it('rejects a forged body, a wrong secret and a missing signature', () => {
		const forged = Buffer.from(body.toString().replace('record.created', 'record.deleted'));
		expect(verify({ 'attio-signature': sign() }, forged)).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify({ 'attio-signature': sign(body, 'other-secret') })).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify({ 'x-attio-signature': sign() })).toMatchObject({ valid: false, reason: 'missing' });
	});

	it('redacts Attio-Signature and its copy X-Attio-Signature from the output', () => {
		expect(crmSecretHeaders(attio, 'signingSecret', credential)).toEqual([
			'attio-signature',
			'attio-signature-previous',
			'x-attio-signature',
		]);
	});
});
