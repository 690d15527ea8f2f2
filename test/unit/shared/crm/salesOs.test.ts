import { createHmac } from 'node:crypto';

import { crmAuthenticator, crmProfile } from '../../../../nodes/shared/crm';
import { salesOs } from '../../../../nodes/shared/crm/salesOs';
import { eventsOf, fixture, requestInput } from './fixtures';

const secret = 'salesos-webhook-secret';
const credential = { scheme: 'hmac', secret, hmacHeaderName: 'X-Webhook-Signature', algorithm: 'sha256', encoding: 'hex' };
const options = { toleranceSeconds: 300 };
const body = fixture('salesOs', 'opportunity-won.json');
const digest = (encoding: 'hex' | 'base64', bytes = body) => createHmac('sha256', secret).update(bytes).digest(encoding);
const verify = (signature: string, bytes = body, data: Record<string, unknown> = credential) =>
	crmAuthenticator(
		salesOs,
		'signingSecret',
		data,
		{},
	)({ headers: { 'x-webhook-signature': signature }, query: {}, rawBody: bytes }, options);

describe('SalesOS profile', () => {
	it('offers all 20 events of the SalesOS docs under their own (already canonical) names', () => {
		expect(salesOs.events).toHaveLength(20);
		expect(salesOs.events.map((event) => event.value)).toEqual(
			expect.arrayContaining([
				'lead.created',
				'lead.converted',
				'opportunity.won',
				'quote.approved',
				'meeting.scheduled',
				'task.completed',
			]),
		);
		expect(crmProfile('salesOs')).toBe(salesOs);
	});

	it('normalises opportunity.won: SalesOS id as event id, data is the record, organizationId in context', () => {
		const [event] = eventsOf(salesOs.normalise(requestInput(body)));
		expect(event).toEqual({
			event: 'opportunity.won',
			sourceEvent: 'opportunity.won',
			crm: 'salesOs',
			eventId: 'evt_7f3c2a9e41b8',
			occurredAt: '2025-01-15T10:30:00.000Z',
			object: { type: 'opportunity', id: 'opp_9d1e77' },
			data: expect.objectContaining({ id: 'opp_9d1e77', amount: 48000, stage: 'CLOSED_WON' }),
			context: { organizationId: 'org_xyz789' },
		});
	});

	it('reads the documented example and an `event` field as well as `type`', () => {
		const [lead] = eventsOf(salesOs.normalise(requestInput(fixture('salesOs', 'lead-created.json'))));
		expect(lead).toMatchObject({ event: 'lead.created', eventId: 'evt_abc123', object: { type: 'lead', id: 'lead_def456' } });
		const [legacy] = eventsOf(salesOs.normalise(requestInput('{"id":"evt_1","event":"deal.won","data":{"id":"d1"}}')));
		expect(legacy).toMatchObject({ event: 'deal.won', sourceEvent: 'deal.won', object: { type: 'deal', id: 'd1' } });
	});

	it('derives a stable event id when SalesOS sends none, so retries still dedupe', () => {
		const payload = '{"type":"lead.updated","timestamp":"2025-01-15T10:30:00Z","data":{"id":"lead_1","status":"WORKING"}}';
		const first = eventsOf(salesOs.normalise(requestInput(payload)))[0].eventId;
		const retry = eventsOf(salesOs.normalise({ ...requestInput(payload), receivedAt: new Date() }))[0].eventId;
		expect(first).toMatch(/^sha256:[0-9a-f]{40}$/);
		expect(retry).toBe(first);
	});

	it('refuses a payload without an event name, in plain language', () => {
		expect(salesOs.normalise(requestInput('{"id":"evt_1","data":{}}'))).toEqual({
			error: 'The SalesOS payload has no "type" field naming the event',
		});
		expect(salesOs.normalise(requestInput('[1,2]'))).toEqual({ error: 'A SalesOS webhook must be a JSON object' });
	});

	it('starts nothing for an empty body', () => {
		expect(salesOs.normalise(requestInput(''))).toEqual({ events: [] });
	});

	it.each([
		['hex', digest('hex')],
		['upper-case hex', digest('hex').toUpperCase()],
		['base64', digest('base64')],
		['sha256= prefixed hex', `sha256=${digest('hex')}`],
		['sha256= prefixed base64', `sha256=${digest('base64')}`],
	])('verifies an X-Webhook-Signature sent as %s', (_label, signature) => {
		expect(verify(signature)).toMatchObject({ valid: true, scheme: 'hmac-sha256' });
	});

	it.each([
		['hex', digest('hex')],
		['base64', digest('base64')],
		['sha256= prefixed hex', `sha256=${digest('hex')}`],
	])('verifies %s whatever Prefix the credential has: the header decides', (_label, signature) => {
		for (const prefix of ['sha256=', 'v1='])
			expect([prefix, verify(signature, body, { ...credential, prefix })]).toEqual([prefix, expect.objectContaining({ valid: true })]);
	});

	it('still honours a base64 encoding chosen in the credential', () => {
		expect(verify(digest('base64'), body, { ...credential, encoding: 'base64' })).toMatchObject({ valid: true });
	});

	it('rejects a tampered body, a wrong secret and a missing signature', () => {
		const tampered = Buffer.from(body.toString().replace('48000', '1'));
		expect(verify(digest('hex'), tampered)).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify(digest('base64'), tampered)).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify(digest('hex'), body, { ...credential, secret: 'other' })).toMatchObject({ valid: false });
		expect(crmAuthenticator(salesOs, 'signingSecret', credential, {})({ headers: {}, query: {}, rawBody: body }, options)).toMatchObject({
			valid: false,
			reason: 'missing',
		});
	});

	it('accepts a previous secret during a rotation', () => {
		const rotated = { ...credential, secret: 'new-secret', previousSecrets: secret };
		expect(verify(digest('hex'), body, rotated)).toMatchObject({ valid: true, secretIndex: 1 });
	});
});
