import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions } from 'n8n-workflow';

import { credentialTestFor, webhookCredentialTest } from '../../../../nodes/shared/n8n/credentialTests';

// The credential-test context is n8n's; the test function does not use it.
const context = {} as ICredentialTestFunctions;
const test = (type: string, data: ICredentialDataDecryptedObject) =>
	webhookCredentialTest.call(context, { id: '1', name: 'test', type, data });

describe('webhookCredentialTest', () => {
	let server: http.Server;
	let baseUrl: string;
	const seen: Array<{ url?: string; authorization?: string; key?: string | string[] }> = [];

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			seen.push({ url: req.url, authorization: req.headers.authorization, key: req.headers['x-api-key'] });
			const basicOk = req.headers.authorization === `Basic ${Buffer.from('crm:s3cret').toString('base64')}`;
			const bearerOk = req.headers.authorization === 'Bearer tok-1';
			const keyOk = req.headers['x-api-key'] === 'key-1' || (req.url ?? '').includes('api_key=key-1');
			res.statusCode = basicOk || bearerOk || keyOk ? 200 : 401;
			res.end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it('checks values without a Credential Check URL and names the problem field', async () => {
		expect(await test('webhookBasicAuthApi', { user: 'crm', password: 'x' })).toMatchObject({ status: 'OK' });
		expect(await test('webhookBasicAuthApi', { user: 'a:b', password: 'x' })).toEqual({
			status: 'Error',
			message: 'Username must not contain a colon (RFC 7617)',
		});
		expect(await test('webhookBearerTokenApi', { token: 'line\nbreak' })).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('Token contains a line break'),
		});
		expect(await test('webhookSigningSecretApi', { scheme: 'standardWebhooks', secret: 'whsec_not base64!' })).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('whsec_'),
		});
		expect(await test('webhookSigningSecretApi', { scheme: 'hmac', secret: 's', signPreviousUntil: 'soon' })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^Sign With Previous Secrets Until is not a date \("soon"\)/),
		});
		expect(await test('webhookApiKeyApi', { location: 'header', name: 'X Api Key', apiKey: 'k' })).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('not a valid header name'),
		});
	});

	it('sends the credential to the Credential Check URL and reports the answer', async () => {
		expect(await test('webhookBasicAuthApi', { user: 'crm', password: 's3cret', testUrl: `${baseUrl}/me` })).toMatchObject({
			status: 'OK',
		});
		expect(await test('webhookBasicAuthApi', { user: 'crm', password: 'wrong', testUrl: `${baseUrl}/me` })).toEqual({
			status: 'Error',
			message: 'The Credential Check URL answered HTTP 401 Unauthorized',
		});
		expect(await test('webhookBearerTokenApi', { token: 'tok-1', testUrl: `${baseUrl}/me` })).toMatchObject({ status: 'OK' });
		expect(await test('webhookApiKeyApi', { location: 'query', name: 'api_key', apiKey: 'key-1', testUrl: `${baseUrl}/me` })).toMatchObject(
			{ status: 'OK' },
		);
		expect(seen.at(-1)?.url).toBe('/me?api_key=key-1');
	});

	it('explains an invalid or unreachable Credential Check URL', async () => {
		// Refused as written, before any lookup of the name.
		expect(await test('webhookBearerTokenApi', { token: 't', testUrl: 'api.example.com/me' })).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^Credential Check URL "api\.example\.com\/me" has no scheme/),
		});
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		expect(await test('webhookBearerTokenApi', { token: 't', testUrl: `http://127.0.0.1:${port}/` })).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('Could not reach the Credential Check URL'),
		});
	});
});

describe('credentialTestFor', () => {
	const echo = credentialTestFor({ first: 'firstCredentialApi', second: 'secondCredentialApi' }, async (kind, data) => ({
		status: 'OK',
		message: `${kind} ${JSON.stringify(data)}`,
	}));

	it('hands the kind behind the credential type and its values to the test', async () => {
		expect(await echo.call(context, { id: '1', name: 'a', type: 'secondCredentialApi', data: { x: 1 } })).toEqual({
			status: 'OK',
			message: 'second {"x":1}',
		});
		expect(await echo.call(context, { id: '1', name: 'a', type: 'firstCredentialApi' })).toEqual({ status: 'OK', message: 'first {}' });
	});

	it('answers a credential of another type with an error naming it', async () => {
		expect(await echo.call(context, { id: '1', name: 'a', type: 'otherApi', data: {} })).toEqual({
			status: 'Error',
			message: 'Unknown credential type otherApi',
		});
	});
});
