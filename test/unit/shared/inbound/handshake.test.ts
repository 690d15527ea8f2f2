import { compileHandshake } from '../../../../nodes/shared/inbound/handshake';

describe('handshake', () => {
	it('echoes a query parameter as text (Meta-style hub.challenge)', () => {
		const handshake = compileHandshake({ source: 'query', field: 'hub.challenge', respondAs: 'text', beforeAuth: true });
		expect(handshake.beforeAuth).toBe(true);
		expect(handshake.answer({ 'hub.challenge': '1158201444' }, undefined)).toEqual({
			status: 200,
			contentType: 'text/plain; charset=utf-8',
			body: '1158201444',
		});
		expect(handshake.answer({}, undefined)).toBeUndefined();
	});

	it('echoes a body field as JSON (Slack-style challenge)', () => {
		const handshake = compileHandshake({ source: 'body', field: 'challenge', respondAs: 'json', beforeAuth: true });
		expect(handshake.beforeAuth).toBe(false);
		expect(handshake.answer({}, { type: 'url_verification', challenge: 'abc' })).toMatchObject({
			body: '{"challenge":"abc"}',
		});
		expect(handshake.answer({}, { type: 'event' })).toBeUndefined();
		expect(handshake.answer({}, 'text body')).toBeUndefined();
	});

	it('reads a body JSONPath and names the JSON key after its last segment', () => {
		const handshake = compileHandshake({ source: 'body', field: '$.data.confirmationToken', respondAs: 'json' });
		expect(handshake.answer({}, { data: { confirmationToken: 't-1' } })).toMatchObject({
			body: '{"confirmationToken":"t-1"}',
		});
	});

	it('refuses a token that is not short text', () => {
		const handshake = compileHandshake({ source: 'body', field: 'challenge', respondAs: 'text' });
		expect(handshake.answer({}, { challenge: { nested: true } })).toMatchObject({ status: 400 });
		expect(handshake.answer({}, { challenge: 'x'.repeat(2000) })).toMatchObject({ status: 400 });
	});

	it('requires a field name', () => {
		expect(() => compileHandshake({ source: 'query', field: ' ', respondAs: 'text' })).toThrow('Challenge Field is empty');
	});
});
