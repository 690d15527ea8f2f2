import { custom } from '../../../../nodes/shared/crm/custom';
import { eventsOf, requestInput } from './fixtures';

describe('Custom profile', () => {
	it('reads the common {id, type, timestamp, data} envelope with the default paths', () => {
		const body = '{"id":"evt_9","type":"DealWon","timestamp":1736937000,"data":{"id":"d-1","amount":10}}';
		expect(eventsOf(custom.normalise(requestInput(body)))[0]).toEqual({
			event: 'deal.won',
			sourceEvent: 'DealWon',
			crm: 'custom',
			eventId: 'evt_9',
			occurredAt: '2025-01-15T10:30:00.000Z',
			object: { type: 'deal', id: 'd-1' },
			data: { id: 'd-1', amount: 10 },
			context: {},
		});
	});

	it('follows the JSONPath settings, for each element of an array body', () => {
		const body = JSON.stringify([
			{ meta: { kind: 'contact_created', at: '2025-01-01T00:00:00Z' }, record: { objectType: 'person', key: 7 } },
			{ meta: { kind: 'contact_updated', at: '2025-01-02T00:00:00Z' }, record: { objectType: 'person', key: 8 } },
		]);
		const settings = {
			eventTypePath: '$.meta.kind',
			eventIdPath: '',
			timestampPath: '$.meta.at',
			objectTypePath: '$.record.objectType',
			objectIdPath: 'record.key',
			dataPath: '$.record',
		};
		const events = eventsOf(custom.normalise(requestInput(body, { settings })));
		expect(events.map((event) => [event.event, event.object, event.occurredAt])).toEqual([
			['contact.created', { type: 'person', id: '7' }, '2025-01-01T00:00:00.000Z'],
			['contact.updated', { type: 'person', id: '8' }, '2025-01-02T00:00:00.000Z'],
		]);
		expect(events[0].eventId).toMatch(/^sha256:/);
	});

	it('takes the event id from a header when one is named', () => {
		const input = requestInput('{"type":"a.b","id":"body-id"}', {
			headers: { 'x-delivery-id': 'hdr-1' },
			settings: { eventIdHeader: 'X-Delivery-Id' },
		});
		expect(eventsOf(custom.normalise(input))[0].eventId).toBe('hdr-1');
	});

	it('reads XML and form bodies', () => {
		const xml = requestInput('<event><type>ticket.closed</type><id>x1</id><data><id>t9</id></data></event>', {
			contentType: 'application/xml',
		});
		expect(eventsOf(custom.normalise(xml))[0]).toMatchObject({ event: 'ticket.closed', eventId: 'x1', object: { id: 't9' } });
		const form = requestInput('type=order.paid&id=o1', { contentType: 'application/x-www-form-urlencoded' });
		expect(eventsOf(custom.normalise(form))[0]).toMatchObject({
			event: 'order.paid',
			eventId: 'o1',
			data: { type: 'order.paid', id: 'o1' },
		});
	});

	it('names the path that found no event type', () => {
		expect(custom.normalise(requestInput('{"kind":"x"}'))).toEqual({ error: 'The request has no event type at $.type' });
	});
});
