import { crmAuthenticator, crmProfile, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { pipedrive } from '../../../../nodes/shared/crm/pipedrive';
import { eventsOf, fixture, requestInput } from './fixtures';

const v2 = fixture('pipedrive', 'deal-change-v2.json');
const v1 = fixture('pipedrive', 'deal-updated-v1.json');
const credential = { user: 'pipedrive', password: 'webhook-pass' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const verify = (headers: Record<string, string>) =>
	crmAuthenticator(pipedrive, 'basicAuth', credential, {})({ headers, query: {}, rawBody: v2 }, { toleranceSeconds: 0 });
const edited = (bytes: Buffer, edit: (body: Record<string, Record<string, unknown>>) => void) => {
	const body = JSON.parse(bytes.toString()) as Record<string, Record<string, unknown>>;
	edit(body);
	return JSON.stringify(body);
};

describe('Pipedrive profile', () => {
	it('lists each object under canonical names, with the v1 and v2 names as source names', () => {
		expect(crmProfile('pipedrive')).toBe(pipedrive);
		expect(pipedrive.events.find((event) => event.value === 'deal.created')).toEqual({
			value: 'deal.created',
			name: 'Deal Created',
			sourceNames: ['added.deal', 'create.deal'],
		});
		expect(pipedrive.events.find((event) => event.value === 'person.updated')?.sourceNames).toEqual(['updated.person', 'change.person']);
	});

	it('normalises a v2 change: meta.id as event id, entity_id as record id, data and previous', () => {
		const [event] = eventsOf(pipedrive.normalise(requestInput(v2)));
		expect(event).toEqual({
			event: 'deal.updated',
			sourceEvent: 'change.deal',
			crm: 'pipedrive',
			eventId: '4b9f6a2e-8c1d-4f0a-9e37-2d5c8b1a7f60',
			occurredAt: '2025-01-15T10:29:58.000Z',
			object: { type: 'deal', id: '746' },
			data: expect.objectContaining({ id: 746, status: 'won', stage_id: 5 }),
			previous: { status: 'open', stage_id: 4 },
			context: {
				version: '2.0',
				companyId: '13923453',
				userId: '23836724',
				webhookId: '3046302',
				host: 'acme.pipedrive.com',
				changeSource: 'app',
				correlationId: '0d1f2b3c-4a5e-46f7-8a9b-0c1d2e3f4a5b',
				attempt: 1,
			},
		});
	});

	it('keeps the v2 event id across retries (meta.attempt grows) and maps create and delete', () => {
		const retry = edited(v2, (body) => (body.meta.attempt = 2));
		expect(eventsOf(pipedrive.normalise(requestInput(retry)))[0].eventId).toBe('4b9f6a2e-8c1d-4f0a-9e37-2d5c8b1a7f60');
		const created = edited(v2, (body) => {
			body.meta.action = 'create';
			body.previous = null as unknown as Record<string, unknown>;
		});
		const [event] = eventsOf(pipedrive.normalise(requestInput(created)));
		expect(event.event).toBe('deal.created');
		expect(event).not.toHaveProperty('previous');
		const deleted = edited(v2, (body) => {
			body.meta.action = 'delete';
			body.meta.entity = 'deal_product';
			body.data = null as unknown as Record<string, unknown>;
		});
		expect(eventsOf(pipedrive.normalise(requestInput(deleted)))[0]).toMatchObject({ event: 'deal_product.deleted', data: {} });
	});

	it('normalises a v1 update: current as data, a hash id that retries repeat and a later change does not', () => {
		const [event] = eventsOf(pipedrive.normalise(requestInput(v1)));
		expect(event).toMatchObject({
			event: 'deal.updated',
			sourceEvent: 'updated.deal',
			eventId: expect.stringMatching(/^sha256:[0-9a-f]{40}$/),
			occurredAt: '2025-01-15T10:29:58.000Z',
			object: { type: 'deal', id: '746' },
			data: expect.objectContaining({ status: 'won' }),
			previous: expect.objectContaining({ status: 'open' }),
			context: expect.objectContaining({ version: '1', webhookId: '3046301', attempt: 0 }),
		});
		// Time of the change is in the hash, so the id is kept for the full window, not only a retry window.
		expect(event).not.toHaveProperty('eventIdSource');
		const retry = edited(v1, (body) => ((body as unknown as Record<string, number>).retry = 1));
		expect(eventsOf(pipedrive.normalise(requestInput(retry)))[0].eventId).toBe(event.eventId);
		const later = edited(v1, (body) => (body.meta.timestamp_micro = 1736937100000000));
		expect(eventsOf(pipedrive.normalise(requestInput(later)))[0].eventId).not.toBe(event.eventId);
		const merged = edited(v1, (body) => {
			body.meta.action = 'merged';
			body.meta.object = 'person';
			delete (body as Record<string, unknown>).event;
		});
		expect(eventsOf(pipedrive.normalise(requestInput(merged)))[0]).toMatchObject({ event: 'person.merged', sourceEvent: 'merged.person' });
	});

	it('refuses a body without a meta block naming action and object; an empty body starts nothing', () => {
		const error = { error: 'A Pipedrive webhook must be a JSON object whose "meta" names its action and object' };
		expect(pipedrive.normalise(requestInput('{"data":{}}'))).toEqual(error);
		expect(pipedrive.normalise(requestInput('{"meta":{"action":"change"}}'))).toEqual(error);
		expect(pipedrive.normalise(requestInput(''))).toEqual({ events: [] });
	});

	it('checks the Basic credentials set on the subscription; a failure carries the WWW-Authenticate challenge', () => {
		expect(verify({ authorization: basic('pipedrive', 'webhook-pass') })).toMatchObject({ valid: true, scheme: 'basic-auth' });
		const challenge = 'Basic realm="n8n webhook", charset="UTF-8"';
		expect(verify({ authorization: basic('pipedrive', 'guess') })).toMatchObject({ valid: false, reason: 'mismatch', challenge });
		expect(verify({ authorization: basic('other', 'webhook-pass') })).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify({})).toMatchObject({ valid: false, reason: 'missing', challenge });
		expect(crmSecretHeaders(pipedrive, 'basicAuth', credential)).toEqual(['authorization']);
	});
});
