import { vtiger } from '../../../../nodes/shared/crm/vtiger';
import type { ProfileParameters } from '../../../../nodes/shared/crm/types';
import { eventsOf, fixture, requestInput } from './fixtures';

const settings: ProfileParameters = { eventSource: 'fixed', fixedEvent: 'contact.updated', timestampField: 'modifiedtime' };
const normalise = (file: string, contentType: string, overrides: ProfileParameters = {}) =>
	eventsOf(vtiger.normalise(requestInput(fixture('vtiger', file), { contentType, settings: { ...settings, ...overrides } })));

const relatedDeals = [
	expect.objectContaining({ id: '13x901', potentialname: 'Website redesign' }),
	expect.objectContaining({ id: '13x902', potentialname: 'Hosting renewal' }),
];

describe('Vtiger profile', () => {
	it('reads JSON with the related deals kept in data', () => {
		const [event] = normalise('contact-with-deals.json', 'application/json');
		expect(event).toMatchObject({
			event: 'contact.updated',
			crm: 'vtiger',
			occurredAt: '2024-06-20T08:30:00.000Z',
			object: { type: 'contact', id: '12x345' },
			data: { firstname: 'Mary', deals: relatedDeals },
		});
	});

	it('splits a JSONARRAY body into one event per element by default', () => {
		const events = normalise('contacts.jsonarray.json', 'application/json');
		expect(events.map((event) => event.object.id)).toEqual(['12x345', '12x346']);
		expect(events[1]).toMatchObject({ occurredAt: '2024-06-20T08:30:05.000Z', data: { firstname: 'Ravi' } });
		expect(events[0].eventId).not.toBe(events[1].eventId);
	});

	it('keeps a JSONARRAY body as one event when asked, reading id and time from the first element', () => {
		const [event, ...rest] = normalise('contacts.jsonarray.json', 'application/json', { arrayMode: 'single' });
		expect(rest).toEqual([]);
		expect(event).toMatchObject({ object: { id: '12x345' }, occurredAt: '2024-06-20T08:30:00.000Z' });
		expect(event.data.records).toHaveLength(2);
	});

	it('reads XML: the root element is unwrapped, repeated related records become a list', () => {
		const [event] = normalise('contact.xml', 'text/xml');
		expect(event).toMatchObject({
			object: { type: 'contact', id: '12x345' },
			data: { firstname: 'Mary', deals: { deal: relatedDeals } },
		});
	});

	it('reads an XML list of one record as it reads a list of two', () => {
		const list = (...ids: string[]) =>
			`<records>${ids.map((id) => `<record><id>${id}</id><firstname>F${id}</firstname></record>`).join('')}</records>`;
		const read = (xml: string) =>
			eventsOf(vtiger.normalise(requestInput(xml, { contentType: 'application/xml', settings }))).map((event) => [
				event.object.id,
				event.data,
			]);
		expect(read(list('12x1', '12x2'))).toEqual([
			['12x1', { id: '12x1', firstname: 'F12x1' }],
			['12x2', { id: '12x2', firstname: 'F12x2' }],
		]);
		expect(read(list('12x1'))).toEqual([['12x1', { id: '12x1', firstname: 'F12x1' }]]);
		// A record whose only field is an element is not a list.
		expect(read('<lead><address><city>Pune</city></address></lead>')).toEqual([[null, { address: { city: 'Pune' } }]]);
	});

	it('reads FORM and expands Vtiger’s dotted array parameters into related records', () => {
		const [event] = normalise('contact.form', 'application/x-www-form-urlencoded');
		expect(event.data).toEqual({
			id: '12x345',
			firstname: 'Mary',
			lastname: 'Jones',
			email: 'mary.jones@example.com',
			modifiedtime: '2024-06-20 08:30:00',
			deals: [
				{ id: '13x901', potentialname: 'Website redesign', amount: '5000' },
				{ id: '13x902', potentialname: 'Hosting renewal', amount: '1200' },
			],
		});
	});

	it('maps Vtiger wording in an event field (Closed Won, Potentials)', () => {
		const input = (name: string) =>
			requestInput(JSON.stringify({ id: '13x1', stage: name }), { settings: { eventSource: 'field', eventField: 'stage' } });
		expect(eventsOf(vtiger.normalise(input('Closed Won')))[0].event).toBe('opportunity.won');
		expect(eventsOf(vtiger.normalise(input('Potentials.created')))[0].event).toBe('opportunity.created');
		expect(eventsOf(vtiger.normalise(input('Invoice Paid')))[0].event).toBe('invoice.paid');
	});

	it('offers Basic or no authentication, as Vtiger does', () => {
		expect(vtiger.supportedAuthentications).toEqual(['basicAuth', 'none']);
		expect(vtiger.setupHint).toContain('Settings > Automation > Workflows');
	});
});
