import type { HttpResponse } from '../../../../nodes/shared/outbound/transport';
import {
	accessToken,
	clearTokens,
	OAuth2TokenError,
	renewToken,
	parseTokenResponse,
	readOAuth2Credential,
} from '../../../../nodes/shared/outbound/oauth2';
import type { OAuth2Client } from '../../../../nodes/shared/outbound/oauth2';

const answer = (statusCode: number, body: unknown) => ({
	statusCode,
	body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

/** A token endpoint issuing t1, t2, … valid for `expiresIn` seconds, on a clock the test moves. */
function tokenEndpoint(expiresIn: number) {
	const endpoint = {
		fetches: 0,
		nowMs: 0,
		transport: {
			send: async () => {
				endpoint.fetches++;
				return { ...answer(200, { access_token: `t${endpoint.fetches}`, expires_in: expiresIn }), headers: {} } as unknown as HttpResponse;
			},
			now: () => endpoint.nowMs,
		},
	};
	return endpoint;
}

describe('parseTokenResponse', () => {
	it('keeps the token until 30 s before it expires, and 5 minutes when the server does not say', () => {
		expect(parseTokenResponse(answer(200, { access_token: 'a', expires_in: 3600 }), 0)).toEqual({ token: 'a', expiresAtMs: 3_570_000 });
		expect(parseTokenResponse(answer(200, { access_token: 'a' }), 0)).toEqual({ token: 'a', expiresAtMs: 270_000 });
		// A very short lifetime is halved rather than going negative.
		expect(parseTokenResponse(answer(200, { access_token: 'a', expires_in: 20 }), 0)).toEqual({ token: 'a', expiresAtMs: 10_000 });
	});

	it('refuses answers without a usable token, retrying only server errors', () => {
		const failure = (response: ReturnType<typeof answer>) => {
			try {
				parseTokenResponse(response, 0);
			} catch (error) {
				return error as OAuth2TokenError;
			}
			throw new Error('no error');
		};
		expect(failure(answer(200, '<html>'))).toMatchObject({ code: 'ERR_OAUTH2_TOKEN', retryable: false });
		expect(failure(answer(200, { access_token: 'a\r\nX-Injected: 1' })).message).toMatch(/did not answer JSON with an access_token/);
		expect(failure(answer(401, { error: 'invalid_client' }))).toMatchObject({
			message: 'OAuth2 credential: the Token URL answered HTTP 401: invalid_client; check the Client ID, Client Secret and Scope',
			retryable: false,
		});
		expect(failure(answer(503, 'busy'))).toMatchObject({ retryable: true });
		expect(failure(answer(429, { error: 'slow_down' }))).toMatchObject({
			message: 'OAuth2 credential: the Token URL answered HTTP 429: slow_down',
			retryable: true,
		});
		expect(failure(answer(408, ''))).toMatchObject({ retryable: true });
	});
});

describe('readOAuth2Credential', () => {
	it('names every missing field', () => {
		expect(readOAuth2Credential({ tokenUrl: 'auth.example.com/token' })).toEqual({
			problems: [expect.stringMatching(/^Token URL/), 'Client ID: empty', 'Client Secret: empty'],
		});
	});
});

describe('accessToken and renewToken', () => {
	const client = readOAuth2Credential({ tokenUrl: 'https://auth.example.com/token', clientId: 'c', clientSecret: 's' }) as OAuth2Client;
	beforeEach(() => clearTokens());

	it('shares one fetch among concurrent callers and fetches again once the token is due', async () => {
		const endpoint = tokenEndpoint(60);
		const { transport } = endpoint;
		expect(await Promise.all([1, 2, 3].map(async () => await accessToken(client, transport)))).toEqual(['t1', 't1', 't1']);
		endpoint.nowMs = 29_000;
		expect(await accessToken(client, transport)).toBe('t1');
		endpoint.nowMs = 31_000;
		expect(await accessToken(client, transport)).toBe('t2');
		expect(endpoint.fetches).toBe(2);
	});

	it('does not keep a failed fetch: the next caller asks again', async () => {
		let fetches = 0;
		const send = async () => {
			fetches++;
			return { ...answer(fetches === 1 ? 500 : 200, { access_token: 'ok' }), headers: {} } as unknown as HttpResponse;
		};
		await expect(accessToken(client, { send })).rejects.toThrow(/HTTP 500/);
		expect(await accessToken(client, { send })).toBe('ok');
	});

	it('stops waiting for a token when the execution is cancelled; the fetch goes on for the others', async () => {
		let release: (() => void) | undefined;
		const send = async () => {
			await new Promise<void>((resolve) => (release = resolve));
			return { ...answer(200, { access_token: 'late' }), headers: {} } as unknown as HttpResponse;
		};
		const cancel = new AbortController();
		const cancelled = accessToken(client, { send, signal: cancel.signal });
		const other = accessToken(client, { send });
		cancel.abort();
		await expect(cancelled).rejects.toMatchObject({ code: 'ERR_ABORTED' });
		release?.();
		expect(await other).toBe('late');
	});

	it('bounds each caller’s wait by its own Timeout; the shared fetch goes on for the others', async () => {
		let fetches = 0;
		const send = async () => {
			fetches++;
			await new Promise((resolve) => setTimeout(resolve, 300));
			return { ...answer(200, { access_token: 'slow' }), headers: {} } as unknown as HttpResponse;
		};
		const impatient = accessToken(client, { send, timeoutMs: 100 });
		const patient = accessToken(client, { send, timeoutMs: 30_000 });
		await expect(impatient).rejects.toMatchObject({ code: 'ERR_OAUTH2_TOKEN', message: expect.stringContaining('within 0.1 s') });
		expect(await patient).toBe('slow');
		expect(fetches).toBe(1);
	});

	it('renewToken replaces a refused token, and a refused replacement again only a minute later', async () => {
		const endpoint = tokenEndpoint(3600);
		const { transport } = endpoint;
		expect(await accessToken(client, transport)).toBe('t1');
		expect(await renewToken(client, 't1', transport)).toBe('t2');
		endpoint.nowMs = 59_000;
		expect(await renewToken(client, 't2', transport)).toBeUndefined();
		endpoint.nowMs = 61_000;
		expect(await renewToken(client, 't2', transport)).toBe('t3');
		expect(endpoint.fetches).toBe(3);
	});
});
