import { configProblems, dedupeWindows, readConfig } from '../../../../nodes/CrmEventTrigger/config';
import { crmProfile } from '../../../../nodes/shared/crm';
import { SIGNET_VECTOR } from '../../shared/signatures/ed25519Keys';

const HOUR = 3600;

describe('dedupeWindows', () => {
	it('remembers sent ids for Remember Events For, and unmarked hashes only for the CRM’s documented retry window', () => {
		expect(dedupeWindows({}, crmProfile('freshsales'))).toEqual({
			windowSeconds: 72 * HOUR,
			hashedIdWindowSeconds: 49 * HOUR,
			maxEntries: 10_000,
		});
		expect(dedupeWindows({}, crmProfile('vtiger'))?.hashedIdWindowSeconds).toBe(7 * HOUR);
		expect(dedupeWindows({}, crmProfile('salesOs'))?.hashedIdWindowSeconds).toBe(27 * HOUR);
	});

	it('assumes an hour for a CRM that documents no retry schedule', () => {
		for (const crm of ['leadSquared', 'highLevel', 'custom']) {
			expect(dedupeWindows({}, crmProfile(crm))?.hashedIdWindowSeconds).toBe(HOUR);
		}
	});

	it('never keeps a hash longer than Remember Events For, and keeps nothing when deduplication is off', () => {
		expect(dedupeWindows({ dedupeWindowHours: 2, dedupeMaxEntries: 5 }, crmProfile('freshsales'))).toEqual({
			windowSeconds: 2 * HOUR,
			hashedIdWindowSeconds: 2 * HOUR,
			maxEntries: 5,
		});
		expect(dedupeWindows({ deduplicate: false }, crmProfile('freshsales'))).toBeUndefined();
	});

	it('keeps Remember Events For within 36 s and 10 years, whatever an expression or an imported workflow says', () => {
		expect(dedupeWindows({ dedupeWindowHours: 1e10 }, crmProfile('salesOs'))?.windowSeconds).toBe(87_600 * HOUR);
		expect(dedupeWindows({ dedupeWindowHours: 0 }, crmProfile('salesOs'))?.windowSeconds).toBe(36);
		// An expression gives text; what is no number at all falls back to the default of 72 hours.
		expect(dedupeWindows({ dedupeWindowHours: '48' as never }, crmProfile('salesOs'))?.windowSeconds).toBe(48 * HOUR);
		expect(dedupeWindows({ dedupeWindowHours: 'soon' as never }, crmProfile('salesOs'))?.windowSeconds).toBe(72 * HOUR);
	});
});

describe('configProblems: a signing credential that cannot fit the CRM', () => {
	const configWith = async (credential: Record<string, unknown>) =>
		await readConfig({
			getNodeParameter: ((name: string, fallback?: unknown) =>
				({ crm: 'salesOs', authentication: 'signingSecret' })[name] ?? fallback) as never,
			getCredentials: async () => credential as never,
		});

	it('stops publishing with what SalesOS sends and what the credential expects', async () => {
		const problems = configProblems(await configWith({ scheme: 'standardWebhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }));
		expect(problems).toContainEqual(
			expect.stringMatching(
				/^Credential: SalesOS signs with HMAC SHA256 of the body in X-Webhook-Signature; this credential's scheme is Standard Webhooks\. Choose HMAC Signature Header/,
			),
		);
	});

	it.each([
		['attio', 'standardWebhooks'],
		['close', 'standardWebhooks'],
		['hubspot', 'standardWebhooks'],
		['hubspot', 'timestamped'],
	])('stops publishing %s with a whpk_ public key as the secret of an HMAC (a %s credential), saying so once', async (crm, scheme) => {
		const config = await readConfig({
			getNodeParameter: ((name: string, fallback?: unknown) => ({ crm, authentication: 'signingSecret' })[name] ?? fallback) as never,
			getCredentials: async () => ({ scheme, secret: SIGNET_VECTOR.publicKey }) as never,
		});
		const said = configProblems(config).filter((problem) =>
			problem.startsWith('Credential: Secret is a Standard Webhooks whpk_/whsk_ key, but'),
		);
		expect(said).toHaveLength(1);
	});

	it('has nothing to say about a credential set up as SalesOS signs', async () => {
		expect(configProblems(await configWith({ scheme: 'hmac', secret: 'salesos-secret', hmacHeaderName: 'X-Webhook-Signature' }))).toEqual(
			[],
		);
	});
});

describe('configProblems: HubSpot’s signed URL', () => {
	const configWith = async (settings: Record<string, unknown>) =>
		await readConfig({
			getNodeParameter: ((name: string, fallback?: unknown) =>
				({ crm: 'hubspot', authentication: 'signingSecret', signedUrlFrom: 'forwarded', settings })[name] ?? fallback) as never,
			getCredentials: async () => ({ scheme: 'hmac', secret: 'hubspot-client-secret' }) as never,
		});

	it('asks for Trusted Proxies when the URL is to come from forwarded headers', async () => {
		expect(configProblems(await configWith({}))).toEqual([
			'Signed URL From: Forwarded Headers are read only from Options › Trusted Proxies; list your reverse proxy there',
		]);
		expect(configProblems(await configWith({ trustedProxies: '10.0.0.0/8' }))).toEqual([]);
	});
});

describe('configProblems: settings under Options are named as the editor shows them', () => {
	const problemsWith = async (settings: Record<string, unknown>) =>
		configProblems(
			await readConfig({
				getNodeParameter: ((name: string, fallback?: unknown) =>
					({ crm: 'salesOs', authentication: 'none', settings })[name] ?? fallback) as never,
				getCredentials: async () => ({}) as never,
			}),
		);

	it.each([
		[{ handshakeSource: 'body', handshakeField: '  ' }, 'Options › Challenge Field is empty'],
		[{ ipAllowlist: 'not-an-ip' }, 'Options › IP Allowlist: "not-an-ip"'],
		[{ trustedProxies: 'my-proxy' }, 'Options › Trusted Proxies: "my-proxy"'],
	])('%j', async (settings, problem) => {
		expect(await problemsWith(settings)).toContainEqual(expect.stringContaining(problem));
	});
});

describe('readConfig: Response Body from an expression', () => {
	const configWith = async (responseBody: unknown) =>
		await readConfig({
			getNodeParameter: ((name: string, fallback?: unknown) =>
				({ crm: 'salesOs', authentication: 'none', settings: { responseBody } })[name] ?? fallback) as never,
			getCredentials: async () => ({}) as never,
		});

	it('sends an object or a number as its JSON, as the Inbound trigger does, instead of failing the publish', async () => {
		const object = await configWith({ ok: true });
		expect(object.options.responseBody).toBe('{"ok":true}');
		expect(configProblems(object)).toEqual([]);
		expect((await configWith(42)).options.responseBody).toBe('42');
		expect((await configWith('{"ok":true}')).options.responseBody).toBe('{"ok":true}');
	});
});
