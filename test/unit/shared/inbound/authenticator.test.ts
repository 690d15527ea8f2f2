import { createHmac } from 'node:crypto';

import { inboundAuthFromCredential } from '../../../../nodes/shared/inbound/authenticator';
import { SIGNATURE_PRESETS } from '../../../../nodes/shared/signatures/presets';
import { SIGNET_VECTOR } from '../signatures/ed25519Keys';

const rawBody = Buffer.from('{"id":1}');
const options = { toleranceSeconds: 0 };

describe('inboundAuthFromCredential', () => {
	it('accepts everything for none', () => {
		const auth = inboundAuthFromCredential('none', undefined);
		expect(auth.authenticate({ headers: {}, query: {}, rawBody }, options)).toMatchObject({ valid: true, scheme: 'none' });
		expect(auth.secretHeaders).toEqual([]);
	});

	it('verifies HMAC signatures with current and previous secrets', () => {
		const data = { scheme: 'hmac', secret: 'new-secret', previousSecrets: 'old-secret' };
		const auth = inboundAuthFromCredential('signingSecret', data);
		const sign = (secret: string) => ({
			'x-webhook-signature': createHmac('sha256', secret).update(rawBody).digest('hex'),
		});
		expect(auth.authenticate({ headers: sign('new-secret'), query: {}, rawBody }, options)).toMatchObject({ valid: true, secretIndex: 0 });
		expect(auth.authenticate({ headers: sign('old-secret'), query: {}, rawBody }, options)).toMatchObject({ valid: true, secretIndex: 1 });
		expect(auth.authenticate({ headers: sign('other'), query: {}, rawBody }, options)).toMatchObject({ valid: false, reason: 'mismatch' });
		expect(auth.secretHeaders).toEqual(['x-webhook-signature', 'x-webhook-signature-previous']);
	});

	it('checks header tokens and names their header for redaction', () => {
		const auth = inboundAuthFromCredential('apiKey', { location: 'header', name: 'X-Token', apiKey: 'k1' });
		expect(auth.authenticate({ headers: { 'x-token': 'k1' }, query: {}, rawBody }, options)).toMatchObject({ valid: true });
		expect(auth.authenticate({ headers: { 'x-token': 'k2' }, query: {}, rawBody }, options)).toMatchObject({ valid: false });
		expect(auth.secretHeaders).toEqual(['x-token']);
		expect(auth.queryWithoutSecret({ a: '1' })).toEqual({ a: '1' });
	});

	it('checks a key sent in the query and leaves it out of the query it hands on', () => {
		const auth = inboundAuthFromCredential('apiKey', { location: 'query', name: 'token', apiKey: 'k1' });
		expect(auth.authenticate({ headers: {}, query: { token: 'k1' }, rawBody }, options)).toMatchObject({ valid: true });
		expect(auth.queryWithoutSecret({ token: 'k1', page: '2' })).toEqual({ page: '2' });
	});

	it('derives each credential once', () => {
		const data = { scheme: 'hmac', secret: 's' };
		expect(inboundAuthFromCredential('signingSecret', data)).toBe(inboundAuthFromCredential('signingSecret', { ...data }));
		expect(inboundAuthFromCredential('signingSecret', data)).not.toBe(inboundAuthFromCredential('signingSecret', { ...data, secret: 't' }));
	});

	it('refuses a preset signature made with a whpk_ public key given as the secret: anyone can read that key', () => {
		const auth = inboundAuthFromCredential(
			'signingSecret',
			{ scheme: 'standardWebhooks', secret: SIGNET_VECTOR.publicKey },
			SIGNATURE_PRESETS.github,
		);
		const forged = `sha256=${createHmac('sha256', SIGNET_VECTOR.publicKey).update(rawBody).digest('hex')}`;
		expect(auth.authenticate({ headers: { 'x-hub-signature-256': forged }, query: {}, rawBody }, options)).toMatchObject({
			valid: false,
			reason: 'mismatch',
		});
	});
});
