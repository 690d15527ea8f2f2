import { createHmac } from 'node:crypto';

import { crmAuthenticator, crmProfile, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { close } from '../../../../nodes/shared/crm/close';
import { canonicalEventOf, eventsOf, fixture, requestInput } from './fixtures';

// Close gives signature_key as hex; the HMAC key is the decoded bytes.
const signatureKey = '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988';
const credential = { scheme: 'hmac', secret: signatureKey };
const now = 1_710_175_870;
const options = { toleranceSeconds: 300, nowSeconds: now };
const body = fixture('close', 'lead-updated.json');
const sign = (timestamp: string, bytes = body, key = Buffer.from(signatureKey, 'hex')) =>
	createHmac('sha256', key).update(timestamp).update(bytes).digest('hex');
const verify = (headers: Record<string, string>, bytes = body, data: Record<string, unknown> = credential) =>
	crmAuthenticator(close, 'signingSecret', data, {})({ headers, query: {}, rawBody: bytes }, options);
const signed = (timestamp = String(now), bytes = body) => ({ 'close-sig-timestamp': timestamp, 'close-sig-hash': sign(timestamp, bytes) });

describe('Close profile', () => {
	it('maps object_type.action to canonical names, keeping Close names as source names', () => {
		expect(crmProfile('close')).toBe(close);
		expect(canonicalEventOf(close, 'lead.created')).toBe('lead.created');
		expect(canonicalEventOf(close, 'opportunity.updated')).toBe('opportunity.updated');
		expect(canonicalEventOf(close, 'activity.note.created')).toBe('note.created');
		expect(canonicalEventOf(close, 'task.lead.deleted')).toBe('task.deleted');
		expect(canonicalEventOf(close, 'activity.opportunity_status_change.created')).toBe('opportunity.status_changed');
	});

	it('normalises the documented lead update: event.id as id, previous_data as previous, envelope ids in context', () => {
		const [event] = eventsOf(close.normalise(requestInput(body)));
		expect(event).toEqual({
			event: 'lead.updated',
			sourceEvent: 'lead.updated',
			crm: 'close',
			eventId: 'ev_2ZTGfpLMsO0XjXKWWVmeL8',
			occurredAt: '2024-03-11T16:51:10.121Z',
			object: { type: 'lead', id: 'lead_lNSHmE3VGykx84Li2HqKAEWz0lSOqyrcrFcClLrxhsk' },
			data: expect.objectContaining({ name: 'Wayne Enterprises (Sample Lead)' }),
			previous: { name: 'Wayne Enterprises', date_updated: '2024-03-10T09:12:44.501000+00:00' },
			context: {
				subscriptionId: 'whsub_1vT2aEze4uUzQlqLIBExYl',
				organizationId: 'orga_XbVPx5fFbKlYTz9PW5Ih1XDhViV10YihIaEgMEb6fVW',
				leadId: 'lead_lNSHmE3VGykx84Li2HqKAEWz0lSOqyrcrFcClLrxhsk',
				userId: 'user_lU4pu3Yd5FOOhl3N1ZNivB0pHBaEAsWyaIJcNq3k3cY',
				changedFields: ['name'],
				updatedAt: '2024-03-11T16:51:10.121000',
			},
		});
	});

	it('dedupes on event.id with date_updated: Close updates an event when more changes to its object follow soon', () => {
		const keyOf = (bytes: Buffer | string) => close.dedupeKey?.(eventsOf(close.normalise(requestInput(bytes)))[0]);
		const original = keyOf(body);
		expect(original).toEqual(expect.stringContaining('ev_2ZTGfpLMsO0XjXKWWVmeL8'));
		expect(keyOf(Buffer.from(body))).toBe(original);
		const sent = JSON.parse(body.toString()) as { event: Record<string, unknown> };
		const merged = { ...sent, event: { ...sent.event, date_updated: '2024-03-11T16:51:14.002000' } };
		expect(keyOf(JSON.stringify(merged))).not.toBe(original);
	});

	it('normalises the published example: an opportunity update with its previous values', () => {
		const [event] = eventsOf(close.normalise(requestInput(fixture('close', 'opportunity-won.json'))));
		expect(event).toMatchObject({
			event: 'opportunity.updated',
			eventId: 'ev_2sYKRjcrA79yKxi3S4Crd7',
			occurredAt: '2019-01-15T12:48:23.395Z',
			object: { type: 'opportunity', id: 'oppo_7H4sjNso7FyBFaeR3RXi5PMJbilfo0c6UPCxsJtEhCO' },
			data: expect.objectContaining({ status_type: 'won', value: 100000 }),
			previous: expect.objectContaining({ status_type: 'active', confidence: 70 }),
			context: expect.objectContaining({ subscriptionId: 'whsub_8AmjKCZYT3zI8eZoi4HhFC' }),
		});
	});

	it('names activities by their kind, and refuses an event without object_type or action', () => {
		const note = '{"event":{"id":"ev_1","object_type":"activity.note","action":"created","object_id":"acti_1","data":{}}}';
		expect(eventsOf(close.normalise(requestInput(note)))[0]).toMatchObject({
			event: 'note.created',
			sourceEvent: 'activity.note.created',
			object: { type: 'note', id: 'acti_1' },
		});
		expect(close.normalise(requestInput('{"event":{"id":"ev_1"}}'))).toEqual({
			error: 'The Close event has no "object_type" and "action" naming it',
		});
		expect(close.normalise(requestInput('{"subscription_id":"s"}'))).toEqual({
			error: 'A Close webhook must be a JSON object with an "event" object',
		});
		expect(close.normalise(requestInput(''))).toEqual({ events: [] });
	});

	it('verifies close-sig-hash over timestamp + body with the hex-decoded key', () => {
		expect(verify(signed())).toMatchObject({ valid: true, scheme: 'hmac-sha256', timestampSeconds: now });
	});

	it('rejects a forged body, a key used as text, a wrong key and a dot-separated signature', () => {
		const forged = Buffer.from(body.toString().replace('Sample Lead', 'Forged'));
		expect(verify(signed(String(now)), forged)).toMatchObject({ valid: false, reason: 'mismatch' });
		const textKey = createHmac('sha256', signatureKey).update(`${now}`).update(body).digest('hex');
		expect(verify({ 'close-sig-timestamp': String(now), 'close-sig-hash': textKey })).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify(signed(), body, { ...credential, secret: 'aa'.repeat(32) })).toMatchObject({ valid: false, reason: 'mismatch' });
		const dotted = createHmac('sha256', Buffer.from(signatureKey, 'hex')).update(`${now}.`).update(body).digest('hex');
		expect(verify({ 'close-sig-timestamp': String(now), 'close-sig-hash': dotted })).toMatchObject({ valid: false });
	});

	it('refuses a timestamp outside the replay window and a missing timestamp', () => {
		expect(verify(signed(String(now - 301)))).toMatchObject({ valid: false, reason: 'expired' });
		expect(verify(signed(String(now + 301)))).toMatchObject({ valid: false, reason: 'expired' });
		expect(verify({ 'close-sig-hash': sign(String(now)) })).toMatchObject({ valid: false, reason: 'missing' });
	});

	it('accepts a previous key during a rotation and redacts close-sig-hash', () => {
		const rotated = { ...credential, secret: 'bb'.repeat(32), previousSecrets: signatureKey };
		expect(verify(signed(), body, rotated)).toMatchObject({ valid: true, secretIndex: 1 });
		expect(crmSecretHeaders(close, 'signingSecret', credential)).toEqual(['close-sig-hash', 'close-sig-hash-previous']);
	});
});
