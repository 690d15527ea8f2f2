import { crmAuthenticator, crmProfile, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { zoho } from '../../../../nodes/shared/crm/zoho';
import { canonicalEventOf, eventsOf, fixture, requestInput } from './fixtures';

const TOKEN = 'TOKEN_FOR_VERIFICATION_OF_1000000068001';
const body = fixture('zoho', 'leads-update.json');
// As readConfig hands it on: the credential adapted by the profile.
const credential = (apiKey = TOKEN, previousApiKey = '') =>
	zoho.adaptCredential!('apiKey', { location: 'header', name: 'X-API-Key', apiKey, previousApiKey }, {});
const verify = (bytes: Buffer | string, data = credential()) =>
	crmAuthenticator(zoho, 'apiKey', data, {})({ headers: {}, query: {}, rawBody: Buffer.from(bytes) }, { toleranceSeconds: 300 });
const withToken = (token: unknown) => JSON.stringify({ ...JSON.parse(body.toString()), token });

describe('Zoho CRM profile', () => {
	it('maps module + operation to canonical names, keeping Zoho names as source names', () => {
		expect(crmProfile('zoho')).toBe(zoho);
		expect(canonicalEventOf(zoho, 'Leads.insert')).toBe('lead.created');
		expect(canonicalEventOf(zoho, 'Deals.update')).toBe('deal.updated');
		expect(canonicalEventOf(zoho, 'Sales_Orders.delete')).toBe('sales_order.deleted');
		expect(canonicalEventOf(zoho, 'Events.insert')).toBe('meeting.created');
	});

	it('turns each id of the documented notification into one event, with its affected fields and the channel in context', () => {
		const events = eventsOf(zoho.normalise(requestInput(body)));
		expect(events).toHaveLength(2);
		const context = {
			channelId: '1000000068001',
			module: 'Leads',
			operation: 'update',
			resourceUri: 'https://www.zohoapis.com/crm/v8/Leads',
			idCount: 2,
			queryParams: { source: 'n8n' },
		};
		expect(events[0]).toEqual({
			event: 'lead.updated',
			sourceEvent: 'Leads.update',
			crm: 'zoho',
			eventId: expect.stringMatching(/^sha256:[0-9a-f]{40}$/),
			occurredAt: '2024-12-05T11:20:01.234Z',
			object: { type: 'lead', id: '5725767000000524157' },
			data: { id: '5725767000000524157', affectedFields: ['Lead_Status', 'Email'] },
			context,
		});
		expect(events[1]).toMatchObject({ object: { id: '5725767000000524160' }, data: { affectedFields: ['Lead_Status'] } });
		expect(events[0].eventIdSource).toBeUndefined();
		expect(events[0].eventId).not.toBe(events[1].eventId);
		expect(JSON.stringify(events)).not.toContain(TOKEN);
	});

	it('reads a bulk notification of 20,000 ids in one pass: one event each, with its own affected fields and a count in context', () => {
		const ids = Array.from({ length: 20_000 }, (_, index) => String(5725767000000000000n + BigInt(index)));
		const bulk = JSON.stringify({
			server_time: 1733397601234,
			module: 'Deals',
			operation: 'update',
			channel_id: '1000000068001',
			ids,
			affected_fields: ids.map((id) => ({ [id]: ['Stage'] })),
		});
		const events = eventsOf(zoho.normalise(requestInput(bulk)));
		expect(events).toHaveLength(20_000);
		expect(events[19_999]).toMatchObject({
			object: { id: ids[19_999] },
			data: { affectedFields: ['Stage'] },
			context: { idCount: 20_000 },
		});
		expect(new Set(events.map((event) => event.eventId)).size).toBe(20_000);
	});

	it('derives the event id from channel_id, server_time and ids: a retry repeats it, another change does not', () => {
		const idOf = (change: Record<string, unknown>) =>
			eventsOf(zoho.normalise(requestInput(JSON.stringify({ ...JSON.parse(body.toString()), ...change }))))[0].eventId;
		const [first] = eventsOf(zoho.normalise(requestInput(body)));
		expect(idOf({})).toBe(first.eventId);
		expect(idOf({ token: 'another' })).toBe(first.eventId);
		expect(idOf({ server_time: 1733397609999 })).not.toBe(first.eventId);
		expect(idOf({ channel_id: '1000000068002' })).not.toBe(first.eventId);
		expect(idOf({ ids: ['5725767000000524157'] })).not.toBe(first.eventId);
	});

	it('names custom modules by their API name, reads affected_values, and refuses a body it cannot read', () => {
		const custom = { module: 'Projects_X', operation: 'insert', ids: ['9'], affected_values: [{ record_id: '9', values: { Name: 'P' } }] };
		expect(eventsOf(zoho.normalise(requestInput(JSON.stringify({ ...custom, server_time: 1 }))))[0]).toMatchObject({
			event: 'projects_x.created',
			object: { type: 'projects_x', id: '9' },
			data: { affectedValues: { Name: 'P' } },
		});
		expect(zoho.normalise(requestInput('{"module":"Leads"}'))).toEqual({
			error: 'A Zoho CRM notification must be a JSON object with an "ids" array',
		});
		expect(zoho.normalise(requestInput('{"ids":["1"]}'))).toEqual({
			error: 'The Zoho CRM notification has no "module" and "operation" naming it',
		});
		expect(zoho.normalise(requestInput(''))).toEqual({ events: [] });
	});

	it('accepts the channel token echoed in the body, and the previous token during a rotation', () => {
		expect(verify(body)).toMatchObject({ valid: true, scheme: 'api-key', secretIndex: 0 });
		expect(verify(body, credential('new-token', TOKEN))).toMatchObject({ valid: true, secretIndex: 1 });
	});

	it('refuses a wrong, missing or misplaced token', () => {
		expect(verify(withToken('TOKEN_FOR_VERIFICATION_OF_1000000068002'))).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify(withToken(undefined))).toMatchObject({ valid: false, reason: 'missing' });
		expect(verify(withToken(''))).toMatchObject({ valid: false, reason: 'missing' });
		expect(verify(body, credential('another-token'))).toMatchObject({ valid: false, reason: 'mismatch' });
		const inHeader = crmAuthenticator(
			zoho,
			'apiKey',
			credential(),
			{},
		)(
			{ headers: { token: TOKEN, 'x-api-key': TOKEN }, query: { token: TOKEN }, rawBody: Buffer.from(withToken(undefined)) },
			{ toleranceSeconds: 300 },
		);
		expect(inHeader).toMatchObject({ valid: false, reason: 'missing' });
	});

	it('reads the token from the body whatever the credential says, and has no header to redact', () => {
		expect(credential()).toMatchObject({ location: 'body', name: 'token', apiKey: TOKEN });
		expect(zoho.adaptCredential!('none', { a: 1 }, {})).toEqual({ a: 1 });
		expect(crmSecretHeaders(zoho, 'apiKey', credential())).toEqual([]);
	});
});
