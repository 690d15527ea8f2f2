import { crmAuthenticator } from '../../../../nodes/shared/crm';
import { leadSquared } from '../../../../nodes/shared/crm/leadSquared';
import { eventsOf, fixture, requestInput } from './fixtures';

const query = (eventType: string) => ({
	entityType: 'Webhook',
	entityId: 'b329c2b2-854c-11e6-8f87-22000aa8e760',
	eventType,
});
/** The events of a fixture delivered on the webhook URL of one eventType. */
const eventsFromFixture = (file: string, eventType: string) =>
	eventsOf(leadSquared.normalise(requestInput(fixture('leadSquared', file), { query: query(eventType) })));

describe('LeadSquared profile', () => {
	it('offers the 36 events of the LeadSquared docs plus the documented sales activity events', () => {
		const seedNames = leadSquared.events.map((event) => event.name);
		expect(seedNames).toHaveLength(39);
		expect(seedNames).toEqual(
			expect.arrayContaining(['Lead Creation', 'Opportunity Stage/Status Change', 'User Availability Status Change']),
		);
		expect(new Set(leadSquared.events.map((event) => event.value)).size).toBe(39);
		for (const event of leadSquared.events) expect(event.value).toMatch(/^[a-z_]+\.[a-z_]+$/);
	});

	it('answers every accepted delivery 200 {"Status":"Success","StatusReason":""} as LeadSquared requires', () => {
		expect(leadSquared.defaultResponse).toEqual({ status: 200, body: { Status: 'Success', StatusReason: '' } });
	});

	it('normalises Lead Creation: the lead is the record, ProspectID the object id, LeadSquared UTC time to ISO', () => {
		const [event] = eventsFromFixture('lead-created.json', 'Lead_Post_Create');
		expect(event).toMatchObject({
			event: 'lead.created',
			sourceEvent: 'Lead_Post_Create',
			crm: 'leadSquared',
			occurredAt: '2024-03-11T09:15:42.000Z',
			object: { type: 'lead', id: 'a311900c-0e56-4601-b580-f931645e7b32' },
			data: expect.objectContaining({ FirstName: 'Sachin', ProspectStage: 'Initial' }),
			context: { entityType: 'Webhook', entityId: 'b329c2b2-854c-11e6-8f87-22000aa8e760' },
		});
		expect(event.eventId).toMatch(/^sha256:/);
	});

	it('splits a minute of bulk activities into one event each, with distinct stable ids', () => {
		const input = requestInput(fixture('leadSquared', 'activities-bulk.json'), { query: query('LeadActivity_Post_Create') });
		const events = eventsOf(leadSquared.normalise(input));
		expect(events).toHaveLength(3);
		expect(events.map((event) => event.object)).toEqual([
			{ type: 'lead_activity', id: '5b0e9d2c-1a7f-4c0e-9a51-0f6f2d1c8a01' },
			{ type: 'lead_activity', id: '5b0e9d2c-1a7f-4c0e-9a51-0f6f2d1c8a02' },
			{ type: 'lead_activity', id: '5b0e9d2c-1a7f-4c0e-9a51-0f6f2d1c8a03' },
		]);
		expect(events[1]).toMatchObject({
			event: 'lead_activity.created',
			occurredAt: '2024-03-11T06:21:20.000Z',
			context: expect.objectContaining({ relatedLeadId: 'b8d0c6a4-3f2e-4b1a-9c8d-7e6f5a4b3c2d' }),
			data: expect.objectContaining({ ActivityEvent: '21', Data: expect.objectContaining({ Status: 'NotAnswered' }) }),
		});
		expect(new Set(events.map((event) => event.eventId)).size).toBe(3);
		// A retry of the same delivery yields the same ids, so the dedupe store drops it.
		expect(eventsOf(leadSquared.normalise({ ...input, receivedAt: new Date() })).map((event) => event.eventId)).toEqual(
			events.map((event) => event.eventId),
		);
	});

	it('marks the record’s hash as such unless ModifiedOn gives the time of the change', () => {
		const [lead] = eventsFromFixture('lead-created.json', 'Lead_Post_Create');
		expect(lead).not.toHaveProperty('eventIdSource');
		const activities = eventsFromFixture('activities-bulk.json', 'LeadActivity_Post_Create');
		expect(activities.map((event) => event.eventIdSource)).toEqual(['hash', 'hash', 'hash']);
	});

	it('reads the same activities sent as text/plain', () => {
		const input = requestInput(fixture('leadSquared', 'activities-bulk.json'), {
			contentType: 'text/plain; charset=utf-8',
			query: query('LeadActivity_Post_Create'),
		});
		expect(eventsOf(leadSquared.normalise(input))).toHaveLength(3);
	});

	it('reads a form-encoded lead', () => {
		const input = requestInput('ProspectID=p-1&FirstName=Asha&ProspectStage=Prospect', {
			contentType: 'application/x-www-form-urlencoded',
			query: query('Lead_Post_Update'),
		});
		expect(eventsOf(leadSquared.normalise(input))[0]).toMatchObject({
			event: 'lead.updated',
			object: { type: 'lead', id: 'p-1' },
			data: { ProspectID: 'p-1', FirstName: 'Asha', ProspectStage: 'Prospect' },
		});
	});

	it('gives Lead Field Value Change the new snapshot as data and the old one as previous', () => {
		const [event] = eventsFromFixture('lead-field-change.json', 'Lead_Field_Change');
		expect(event).toMatchObject({
			event: 'lead.field_changed',
			occurredAt: '2024-03-12T14:02:10.000Z',
			data: { ProspectStage: 'Prospect' },
			previous: { ProspectStage: 'Initial' },
		});
	});

	it.each([
		['SalesActivity_Post_Create', 'sales_activity.created'],
		['SalesActivity_Post_Cancel', 'sales_activity.cancelled'],
		['OpportunityStage_Post_Update', 'opportunity.stage_changed'],
		['lead_post_create', 'lead.created'],
		['Lead Creation', 'lead.created'],
		['AccountActivity_Post_Create', 'account_activity.created'],
		['SomethingNew_Post_Delete', 'something_new.deleted'],
	])('maps eventType %s to %s', (eventType, canonical) => {
		const [event] = eventsOf(leadSquared.normalise(requestInput('{"Id":"1"}', { query: query(eventType) })));
		expect(event).toMatchObject({ event: canonical, sourceEvent: eventType });
	});

	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'reads an eventType named after Object.prototype’s %s as any unknown name',
		(name) => {
			const [event] = eventsOf(leadSquared.normalise(requestInput('{"Id":"1"}', { query: query(`${name}_Post_Create`) })));
			expect(event).toMatchObject({ sourceEvent: `${name}_Post_Create`, object: { id: '1' } });
			expect(event.event).toMatch(/^[a-z0-9_]+\.created$/);
		},
	);

	it('answers a body-less check without starting anything, and explains a URL without eventType', () => {
		expect(leadSquared.normalise(requestInput('', { query: query('Lead_Post_Create') }))).toEqual({ events: [] });
		expect(leadSquared.normalise(requestInput('{"ProspectID":"1"}'))).toEqual({
			error: expect.stringContaining('no eventType query parameter'),
		});
	});

	it('authenticates with the custom header and secret of a Webhook API Key credential', () => {
		const credential = { location: 'header', name: 'X-LSQ-Secret', apiKey: 'lsq-shared-secret' };
		const request = (value?: string) => ({
			headers: value === undefined ? {} : { 'x-lsq-secret': value },
			query: query('Lead_Post_Create'),
			rawBody: fixture('leadSquared', 'lead-created.json'),
		});
		const check = (value?: string) => crmAuthenticator(leadSquared, 'apiKey', credential, {})(request(value), { toleranceSeconds: 300 });
		expect(check('lsq-shared-secret')).toMatchObject({ valid: true });
		expect(check('wrong')).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(check()).toMatchObject({ valid: false, reason: 'missing' });
	});
});
