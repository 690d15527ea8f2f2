import { crmAuthenticator } from '../../../../nodes/shared/crm';
import { freshsales } from '../../../../nodes/shared/crm/freshsales';
import type { ProfileParameters } from '../../../../nodes/shared/crm/types';
import { eventsOf, fixture, requestInput } from './fixtures';

const encodings = [
	['JSON', 'deal-won.json', 'application/json'],
	['XML', 'deal-won.xml', 'application/xml'],
	['X-FORM-ENCODED', 'deal-won.form', 'application/x-www-form-urlencoded'],
] as const;

const normalise = (file: string, contentType: string, settings: ProfileParameters, query = {}) =>
	eventsOf(freshsales.normalise(requestInput(fixture('freshsales', file), { contentType, settings, query })));

describe('Freshsales profile', () => {
	it.each(encodings)('reads a %s deal with a fixed event per URL', (_encoding, file, contentType) => {
		const [event] = normalise(file, contentType, { eventSource: 'fixed', fixedEvent: 'opportunity.won', timestampField: 'updated_at' });
		expect(event).toMatchObject({
			event: 'opportunity.won',
			sourceEvent: 'opportunity.won',
			crm: 'freshsales',
			occurredAt: '2024-05-02T05:34:19.000Z',
			object: { type: 'opportunity', id: '70001234567' },
			data: expect.objectContaining({ name: 'Acme Corp - 50 seats', deal_stage: 'Won', owner_email: 'sam.owner@example.com' }),
			context: {},
		});
		expect(event.eventId).toMatch(/^sha256:/);
	});

	it('gives the three encodings of one deal the same content, and retries the same id', () => {
		const ids = encodings.map(([, file, contentType]) => normalise(file, contentType, { fixedEvent: 'opportunity.won' })[0]);
		// Numbers arrive as strings in XML and form bodies, so only JSON differs in its id.
		expect(ids[1].eventId).toBe(ids[2].eventId);
		expect(normalise('deal-won.form', encodings[2][2], { fixedEvent: 'opportunity.won' })[0].eventId).toBe(ids[2].eventId);
	});

	it('marks the record’s hash as such unless the Time Field gives the time of the change', () => {
		const hashed = normalise('deal-won.json', 'application/json', { fixedEvent: 'opportunity.won' })[0];
		expect(hashed).toMatchObject({ eventId: expect.stringMatching(/^sha256:/), eventIdSource: 'hash' });
		const timed = normalise('deal-won.json', 'application/json', { fixedEvent: 'opportunity.won', timestampField: 'updated_at' })[0];
		expect(timed).not.toHaveProperty('eventIdSource');
		const missing = normalise('deal-won.json', 'application/json', { fixedEvent: 'opportunity.won', timestampField: 'closed_at' })[0];
		expect(missing.eventIdSource).toBe('hash');
		expect(freshsales.retryWindowHours).toBe(49);
	});

	it('takes the event from a field the user names, mapping Freshsales wording to the canonical name', () => {
		const [event] = normalise('deal-won.form', 'application/x-www-form-urlencoded', { eventSource: 'field', eventField: 'event' });
		expect(event).toMatchObject({ event: 'opportunity.won', sourceEvent: 'Deal Won' });
	});

	it('takes the event from a query parameter', () => {
		const [event] = normalise(
			'deal-won.json',
			'application/json',
			{ eventSource: 'query', eventQueryParameter: 'event' },
			{ event: 'deal.lost' },
		);
		expect(event).toMatchObject({ event: 'opportunity.lost', sourceEvent: 'deal.lost' });
	});

	it('names a missing event source in plain language', () => {
		expect(freshsales.normalise(requestInput('{"id":1}', { settings: { eventSource: 'field', eventField: 'event' } }))).toEqual({
			error: 'The request has no "event" field naming the event',
		});
		expect(freshsales.normalise(requestInput('{"id":1}', { settings: { eventSource: 'query', eventQueryParameter: 'evt' } }))).toEqual({
			error: 'The URL has no "evt" query parameter naming the event',
		});
		expect(freshsales.normalise(requestInput('{"id":1}', { settings: { eventSource: 'fixed' } }))).toEqual({
			error: 'Choose the event this URL receives (Event setting)',
		});
	});

	it('reads a GET request’s parameters from the query string', () => {
		const input = requestInput('', {
			query: { id: '42', name: 'Deal', event: 'deal.created' },
			settings: { eventSource: 'query', eventQueryParameter: 'event' },
		});
		expect(eventsOf(freshsales.normalise(input))[0]).toMatchObject({
			event: 'opportunity.created',
			object: { id: '42' },
			data: { id: '42', name: 'Deal' },
		});
	});

	it('authenticates with Basic auth, as the Trigger Webhook action sends it', () => {
		const credential = { user: 'freshsales', password: 'p4ss' };
		const request = (user: string, password: string) => ({
			headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
			query: {},
			rawBody: fixture('freshsales', 'deal-won.json'),
		});
		expect(crmAuthenticator(freshsales, 'basicAuth', credential, {})(request('freshsales', 'p4ss'), { toleranceSeconds: 0 })).toMatchObject(
			{ valid: true },
		);
		expect(crmAuthenticator(freshsales, 'basicAuth', credential, {})(request('freshsales', 'nope'), { toleranceSeconds: 0 })).toMatchObject(
			{ valid: false },
		);
	});
});
