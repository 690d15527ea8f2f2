import { crmAuthenticator, crmProfile, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { queryWithoutSecret } from '../../../../nodes/shared/auth';
import { dataverseTime, dynamics } from '../../../../nodes/shared/crm/dynamics';
import type { ProfileParameters } from '../../../../nodes/shared/crm/types';
import { canonicalEventOf, eventsOf, fixture, requestInput } from './fixtures';

const created = fixture('dynamics', 'account-create.json');
const updated = fixture('dynamics', 'account-update.json');
const stored = { location: 'header', name: 'X-Dataverse-Key', apiKey: 'dv-secret-1', previousApiKey: '' };
const adapted = (dynamicsAuthType?: ProfileParameters['dynamicsAuthType'], data = stored) =>
	dynamics.adaptCredential!('apiKey', data, { dynamicsAuthType });
const verify = (type: ProfileParameters['dynamicsAuthType'], headers: Record<string, string>, query: Record<string, unknown> = {}) =>
	crmAuthenticator(dynamics, 'apiKey', adapted(type), { dynamicsAuthType: type })(
		{ headers, query, rawBody: created },
		{ toleranceSeconds: 300 },
	);

describe('Dynamics 365 / Dataverse profile', () => {
	it('names events <table>.<action>, keeping the message as the source name', () => {
		expect(crmProfile('dynamics')).toBe(dynamics);
		expect(canonicalEventOf(dynamics, 'account.Create')).toBe('account.created');
		expect(canonicalEventOf(dynamics, 'incident.Delete')).toBe('incident.deleted');
		expect(canonicalEventOf(dynamics, 'opportunity.Win')).toBe('opportunity.won');
	});

	it('normalises a Create context: x-request-id as id, the Target attributes as plain values, ids in context', () => {
		const [event] = eventsOf(dynamics.normalise(requestInput(created, { headers: { 'x-request-id': 'req-e2e-1' } })));
		expect(event).toEqual({
			event: 'account.created',
			sourceEvent: 'account.Create',
			crm: 'dynamics',
			eventId: 'req-e2e-1',
			occurredAt: '2024-12-05T11:20:00.123Z',
			object: { type: 'account', id: 'a1b2c3d4-1111-4b5c-8d9e-0123456789ab' },
			data: {
				name: 'Contoso Ltd',
				telephone1: '+1 425 555 0100',
				accountcategorycode: 1,
				revenue: 250000,
				primarycontactid: { id: '2f9b6b43-1f2c-4a49-9b8e-0c7d0f4d2a10', logicalName: 'contact' },
				createdon: '2024-12-05T11:20:00.000Z',
				accountid: 'a1b2c3d4-1111-4b5c-8d9e-0123456789ab',
			},
			context: {
				messageName: 'Create',
				organizationId: 'b2ae0a2c-6e3e-e711-8101-00155dfa0600',
				organizationName: 'contoso',
				userId: '75c2dbfc-4e3e-e711-8101-00155dfa0600',
				initiatingUserId: '75c2dbfc-4e3e-e711-8101-00155dfa0600',
				businessUnitId: 'e8cb3dcf-4e3e-e711-8101-00155dfa0600',
				correlationId: '7fe11d0e-2d3b-4b3c-8b8f-5d2f0a7e1c11',
				requestId: 'd4e5f6a7-2222-4c3d-9e8f-abcdef012345',
				operationId: 'b3a1d2c4-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
				stage: 40,
				depth: 1,
			},
		});
	});

	it('keeps only the changed attributes of an Update, the pre-image as previous, and falls back to RequestId', () => {
		const [event] = eventsOf(dynamics.normalise(requestInput(updated)));
		expect(event).toMatchObject({
			event: 'account.updated',
			eventId: 'e5f6a7b8-5555-4d4e-8f9a-bcdef0123456',
			data: { telephone1: '+1 425 555 0199', accountid: 'a1b2c3d4-1111-4b5c-8d9e-0123456789ab' },
			previous: { telephone1: '+1 425 555 0100', name: 'Contoso Ltd' },
		});
		expect(Object.keys(event.data)).toEqual(['telephone1', 'accountid']);
		const withoutRequestId = JSON.stringify({ ...JSON.parse(updated.toString()), RequestId: undefined });
		expect(eventsOf(dynamics.normalise(requestInput(withoutRequestId)))[0].eventId).toBe('c4b3a2d1-4444-4b6c-9d8e-7f6a5b4c3d2e');
	});

	it('never takes the empty GUID for an id: a synchronous step has no system job, so every event would share it', () => {
		const empty = '00000000-0000-0000-0000-000000000000';
		const context = { ...JSON.parse(updated.toString()), RequestId: empty, OperationId: empty };
		const [event] = eventsOf(dynamics.normalise(requestInput(JSON.stringify(context))));
		expect(event.eventId).toMatch(/^sha256:/);
		const other = { ...context, PrimaryEntityId: 'b2c3d4e5-2222-4b5c-8d9e-0123456789ab' };
		expect(eventsOf(dynamics.normalise(requestInput(JSON.stringify(other))))[0].eventId).not.toBe(event.eventId);
	});

	it('reads a Delete target reference and other messages, and refuses a context without a message or table', () => {
		const deleted = {
			MessageName: 'Delete',
			PrimaryEntityName: 'contact',
			PrimaryEntityId: 'c-1',
			InputParameters: [{ key: 'Target', value: { __type: 'EntityReference:x', Id: 'c-1', LogicalName: 'contact', Name: 'Ann' } }],
		};
		expect(eventsOf(dynamics.normalise(requestInput(JSON.stringify(deleted))))[0]).toMatchObject({
			event: 'contact.deleted',
			object: { type: 'contact', id: 'c-1' },
			data: { id: 'c-1', logicalName: 'contact', name: 'Ann' },
			eventIdSource: 'hash',
		});
		const associate = { ...deleted, MessageName: 'Associate', InputParameters: [] };
		expect(eventsOf(dynamics.normalise(requestInput(JSON.stringify(associate))))[0]).toMatchObject({
			event: 'contact.associate',
			data: {},
		});
		expect(dynamics.normalise(requestInput('{"PrimaryEntityName":"account"}'))).toEqual({
			error: 'The Dataverse context has no "MessageName" and "PrimaryEntityName" naming the event',
		});
		expect(dynamics.normalise(requestInput('[1]'))).toEqual({ error: 'A Dataverse webhook must be a JSON RemoteExecutionContext object' });
		expect(dataverseTime('/Date(1733397600000+0000)/')).toBe('2024-12-05T11:20:00.000Z');
	});

	it('reads a /Date(n)/ beyond the range of dates as no time, and still normalises the event', () => {
		expect(dataverseTime('/Date(99999999999999999)/')).toBeUndefined();
		expect(dataverseTime('/Date(-8640000000000000)/')).toBe('-271821-04-20T00:00:00.000Z');
		const body = { ...JSON.parse(created.toString('utf8')), OperationCreatedOn: '/Date(99999999999999999)/' };
		const [event] = eventsOf(dynamics.normalise(requestInput(JSON.stringify(body))));
		expect(event).toMatchObject({ event: 'account.created', crm: 'dynamics' });
	});

	it('HttpHeader: accepts the named header with the key, refuses a wrong or missing one, and redacts it', () => {
		expect(verify('HttpHeader', { 'x-dataverse-key': 'dv-secret-1' })).toMatchObject({ valid: true, scheme: 'api-key' });
		expect(verify('HttpHeader', { 'x-dataverse-key': 'dv-secret-2' })).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify('HttpHeader', {}, { 'X-Dataverse-Key': 'dv-secret-1' })).toMatchObject({ valid: false, reason: 'missing' });
		expect(crmSecretHeaders(dynamics, 'apiKey', adapted('HttpHeader'))).toEqual(['x-dataverse-key']);
		// The credential's Send In does not matter: the registration's type decides.
		expect(adapted(undefined, { ...stored, location: 'query' })).toMatchObject({ location: 'header' });
	});

	it('WebhookKey: accepts ?code=<key> whatever the credential names, and removes code from the query', () => {
		expect(verify('WebhookKey', {}, { code: 'dv-secret-1' })).toMatchObject({ valid: true });
		expect(verify('WebhookKey', {}, { code: 'guess' })).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify('WebhookKey', { 'x-dataverse-key': 'dv-secret-1' })).toMatchObject({ valid: false, reason: 'missing' });
		expect(queryWithoutSecret('apiKey', adapted('WebhookKey'), { code: 'dv-secret-1', a: '1' })).toEqual({ a: '1' });
		expect(crmSecretHeaders(dynamics, 'apiKey', adapted('WebhookKey'))).toEqual([]);
	});

	it('HttpQueryString: accepts the named query parameter and removes it from the query', () => {
		expect(verify('HttpQueryString', {}, { 'X-Dataverse-Key': 'dv-secret-1' })).toMatchObject({ valid: true });
		expect(verify('HttpQueryString', {}, { 'X-Dataverse-Key': 'nope' })).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(verify('HttpQueryString', { 'x-dataverse-key': 'dv-secret-1' })).toMatchObject({ valid: false, reason: 'missing' });
		expect(queryWithoutSecret('apiKey', adapted('HttpQueryString'), { 'X-Dataverse-Key': 'dv-secret-1' })).toEqual({});
	});
});
