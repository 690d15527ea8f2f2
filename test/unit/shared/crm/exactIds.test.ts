import { crmProfile } from '../../../../nodes/shared/crm';
import { isDerivedEventId } from '../../../../nodes/shared/crm/events';
import { normaliseWithExactIds } from '../../../../nodes/shared/crm/exactIds';
import { eventsOf, requestInput } from './fixtures';

const custom = crmProfile('custom');
const hubspot = crmProfile('hubspot');

describe('normaliseWithExactIds', () => {
	it('gives event and object ids beyond 2^53 as the digits sent; the data keep the parsed numbers', () => {
		const body =
			'[{"id":1234567890123456789,"type":"contact.updated","data":{"id":1234567890123456791,"n":1}},' +
			'{"id":1234567890123456790,"type":"contact.updated","data":{"id":1234567890123456792,"n":2}}]';
		const events = eventsOf(normaliseWithExactIds(custom, requestInput(body)));
		expect(events.map((event) => [event.eventId, event.object.id])).toEqual([
			['1234567890123456789', '1234567890123456791'],
			['1234567890123456790', '1234567890123456792'],
		]);
		expect(events[0].data).toEqual({ id: 1234567890123456800, n: 1 });
		// The profile alone rounds both to one id, which dedupe would drop as a repeat.
		expect(new Set(eventsOf(custom.normalise(requestInput(body))).map((event) => event.eventId)).size).toBe(1);
	});

	it('hashes records told apart only by such an id into two event ids', () => {
		const body = (id: string) => `{"type":"contact.updated","data":{"id":${id}}}`;
		const [first, second] = ['1234567890123456789', '1234567890123456790'].map(
			(id) => eventsOf(normaliseWithExactIds(custom, requestInput(body(id))))[0],
		);
		expect(isDerivedEventId(first.eventId) && isDerivedEventId(second.eventId)).toBe(true);
		expect(first.eventId).not.toBe(second.eventId);
		expect(first.eventIdSource).toBe('hash');
		// Stable: a retry of the same delivery gets the same id.
		expect(eventsOf(normaliseWithExactIds(custom, requestInput(body('1234567890123456789'))))[0].eventId).toBe(first.eventId);
	});

	it('reads HubSpot’s numeric eventId and objectId exactly', () => {
		const body =
			'[{"objectId":1234567890123456791,"eventId":1234567890123456789,"subscriptionType":"contact.creation","occurredAt":1462216307945}]';
		expect(eventsOf(normaliseWithExactIds(hubspot, requestInput(body)))[0]).toMatchObject({
			eventId: '1234567890123456789',
			object: { type: 'contact', id: '1234567890123456791' },
		});
	});

	it('normalises an ordinary body once, and leaves ids sent as text alone', () => {
		const normalise = jest.spyOn(custom, 'normalise');
		const events = eventsOf(normaliseWithExactIds(custom, requestInput('{"id":"1234567890123456789","type":"a.b","data":{"id":42}}')));
		expect(events[0]).toMatchObject({ eventId: '1234567890123456789', object: { id: '42' } });
		expect(normalise).toHaveBeenCalledTimes(1);
		normalise.mockRestore();
	});

	it('keeps the rounded id when the raw text does not hold the same events', () => {
		const input = { ...requestInput('{}'), body: { id: Number('1234567890123456789'), type: 'a.b' } };
		expect(eventsOf(normaliseWithExactIds(custom, input))[0].eventId).toBe('1234567890123456800');
	});
});
