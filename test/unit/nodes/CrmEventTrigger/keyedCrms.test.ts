import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import type { WebhookServer, WebhookSetup } from '../webhookServer';
import { webhookServers } from '../webhookServer';
import { fixture } from '../../shared/crm/fixtures';

/**
 * Zoho CRM and Dataverse sign nothing: a key travels in the body (Zoho's channel token) or the URL (Dataverse's
 * ?code=). Through the node: the key is checked where the profile puts it, and it reaches no output or log.
 */
const serve = webhookServers(new CrmEventTrigger());

const post = async (server: WebhookServer, body: Buffer | string, pathAndQuery = '/', headers: Record<string, string> = {}) => {
	const response = await fetch(`${server.url}${pathAndQuery}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	return { status: response.status, text: await response.text() };
};
const lastItems = (server: WebhookServer) => server.results[server.results.length - 1]?.workflowData?.[0].map((item) => item.json);

const ZOHO_TOKEN = 'TOKEN_FOR_VERIFICATION_OF_1000000068001';
const zohoBody = fixture('zoho', 'leads-update.json');
const DATAVERSE_KEY = 'dv-unit-secret-7f1c';
const dataverseBody = fixture('dynamics', 'account-create.json');

describe('CRM Event Trigger webhook(): Zoho CRM', () => {
	// Send In and Name as a user may have left them: the profile reads the token from the body anyway.
	const setup: WebhookSetup = {
		parameters: { crm: 'zoho', authentication: 'apiKey', events: [], settings: { includeRawRequest: true } },
		credentials: { webhookApiKeyApi: { location: 'header', name: 'X-API-Key', apiKey: ZOHO_TOKEN } },
	};

	it('starts one item per record id, with the token checked and kept out of the items and the raw request', async () => {
		const server = await serve(setup);
		expect((await post(server, zohoBody)).status).toBe(200);
		const items = lastItems(server) ?? [];
		expect(items.map((item) => item.event)).toEqual(['lead.updated', 'lead.updated']);
		expect(items[0]).toMatchObject({ request: { body: expect.stringContaining('"channel_id":"1000000068001"') } });
		expect(JSON.stringify(items)).not.toContain(ZOHO_TOKEN);
	});

	it('refuses a wrong or missing token with 401, starts nothing, and logs neither token', async () => {
		const server = await serve(setup);
		const forged = zohoBody.toString().replace(ZOHO_TOKEN, 'TOKEN_GUESSED_BY_SOMEONE');
		expect((await post(server, forged)).status).toBe(401);
		expect((await post(server, JSON.stringify({ ...JSON.parse(zohoBody.toString()), token: undefined }))).status).toBe(401);
		expect(lastItems(server)).toBeUndefined();
		const logged = JSON.stringify(server.logs);
		expect(logged).not.toContain(ZOHO_TOKEN);
		expect(logged).not.toContain('TOKEN_GUESSED_BY_SOMEONE');
	});
});

describe('CRM Event Trigger webhook(): Dynamics 365 / Dataverse', () => {
	const setup = (dynamicsAuthType: string): WebhookSetup => ({
		parameters: { crm: 'dynamics', authentication: 'apiKey', dynamicsAuthType, events: [], settings: { includeRawRequest: true } },
		credentials: { webhookApiKeyApi: { location: 'header', name: 'X-Dataverse-Key', apiKey: DATAVERSE_KEY } },
	});

	it('WebhookKey: accepts ?code=, and neither the items nor the raw request hold it', async () => {
		const server = await serve(setup('WebhookKey'));
		const response = await post(server, dataverseBody, `/?code=${DATAVERSE_KEY}&tenant=contoso`, { 'x-request-id': 'req-unit-1' });
		expect(response.status).toBe(200);
		const [item] = lastItems(server) ?? [];
		expect(item).toMatchObject({ event: 'account.created', eventId: 'req-unit-1', request: { query: { tenant: 'contoso' } } });
		expect(JSON.stringify(item)).not.toContain(DATAVERSE_KEY);
	});

	it('HttpHeader: redacts the key header from the raw request, and refuses a wrong key with 401', async () => {
		const server = await serve(setup('HttpHeader'));
		expect((await post(server, dataverseBody, '/', { 'x-dataverse-key': DATAVERSE_KEY, 'x-request-id': 'req-unit-2' })).status).toBe(200);
		expect(JSON.stringify(lastItems(server))).not.toContain(DATAVERSE_KEY);
		const before = server.results.length;
		expect(
			(await post(server, dataverseBody, `/?code=${DATAVERSE_KEY}`, { 'x-dataverse-key': 'guess', 'x-request-id': 'r3' })).status,
		).toBe(401);
		expect(server.results.slice(before).some((result) => result.workflowData)).toBe(false);
		expect(JSON.stringify(server.logs)).not.toContain(DATAVERSE_KEY);
	});
});
