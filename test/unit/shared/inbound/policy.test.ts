import { cachedInboundPolicy, compileInboundPolicy, rememberedEvents } from '../../../../nodes/shared/inbound/policy';

describe('compileInboundPolicy', () => {
	it('fills defaults', () => {
		const policy = compileInboundPolicy({});
		expect(policy).toMatchObject({
			maxBodyBytes: 1024 * 1024,
			replayWindowSeconds: 300,
			bodyType: 'auto',
			parseLimits: { maxDepth: 1000, maxFormFields: 1000, maxXmlElements: 100_000 },
			ipAccess: { allow: [], trustedProxies: [] },
		});
		expect(policy.methods).toBeUndefined();
		expect(policy.dedupe).toBeUndefined();
	});

	it('compiles every setting', () => {
		const policy = compileInboundPolicy({
			methods: ['post', 'PUT'],
			ipAllowlist: '10.0.0.0/8',
			replayWindowSeconds: 0,
			dedupe: { eventId: { from: 'header', name: 'webhook-id' }, onDuplicate: 'acknowledge', windowSeconds: 60 },
			handshake: { source: 'query', field: 'challenge', respondAs: 'text' },
			parseLimits: { maxXmlElements: 250_000, keepXmlTagCase: true },
		});
		expect(policy.parseLimits).toMatchObject({ maxXmlElements: 250_000, keepXmlTagCase: true });
		expect(compileInboundPolicy({}).parseLimits).not.toHaveProperty('keepXmlTagCase');
		expect([...(policy.methods ?? [])]).toEqual(['POST', 'PUT']);
		expect(policy.ipAccess.allow).toHaveLength(1);
		expect(policy.replayWindowSeconds).toBe(0);
		expect(policy.dedupe?.options).toEqual({ windowSeconds: 60, maxEntries: 10_000 });
		expect(policy.handshake).toBeDefined();
	});

	it('names the setting at fault, with the caller’s labels', () => {
		expect(() => compileInboundPolicy({ ipAllowlist: '10.0.0.0/99' })).toThrow('IP Allowlist: "10.0.0.0/99"');
		expect(() => compileInboundPolicy({ trustedProxies: 'proxy' }, { trustedProxies: 'Options › Trusted Proxies' })).toThrow(
			'Options › Trusted Proxies: "proxy"',
		);
		expect(() =>
			compileInboundPolicy({ dedupe: { eventId: { from: 'jsonPath', path: 'id' }, onDuplicate: 'reject' } }, { eventId: 'Event ID Path' }),
		).toThrow('Event ID Path');
	});

	it('caches by value', () => {
		expect(cachedInboundPolicy({ ipAllowlist: '1.2.3.4' })).toBe(cachedInboundPolicy({ ipAllowlist: '1.2.3.4' }));
	});
});

describe('rememberedEvents', () => {
	it("keeps Max Remembered Events within the editor's bounds when an expression passes them", () => {
		expect(rememberedEvents(5000)).toBe(5000);
		expect(rememberedEvents(2500.7)).toBe(2500);
		expect(rememberedEvents(1e9)).toBe(100_000);
		expect([0, -5, Number.NaN, undefined].map(rememberedEvents)).toEqual([10_000, 10_000, 10_000, 10_000]);
	});
});
