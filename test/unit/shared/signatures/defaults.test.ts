import type { INodeProperties } from 'n8n-workflow';

import { WebhookSigningSecretApi } from '../../../../credentials/WebhookSigningSecretApi.credentials';
import { signingFromCredential } from '../../../../nodes/shared/auth';
import { DEFAULT_HMAC_SCHEME, DEFAULT_TIMESTAMPED_HEADER_NAME, signatureHeaderNames } from '../../../../nodes/shared/signatures';

/** The credential as n8n stores it when every field keeps the default its form shows. */
const formDefaults = (scheme: string) =>
	Object.fromEntries(
		new WebhookSigningSecretApi().properties.map((property: INodeProperties) => [
			property.name,
			property.name === 'scheme' ? scheme : property.default,
		]),
	);

describe('signing defaults', () => {
	it('an HMAC credential left at its form defaults reads as the default HMAC scheme', () => {
		const { config } = signingFromCredential({ ...formDefaults('hmac'), secret: 's' });
		expect(config).toEqual({ scheme: 'hmac', ...DEFAULT_HMAC_SCHEME });
	});

	it('empty HMAC fields mean the same defaults as the form shows', () => {
		expect(signingFromCredential({ scheme: 'hmac', secret: 's' }).config).toEqual({ scheme: 'hmac', ...DEFAULT_HMAC_SCHEME });
	});

	it('the timestamped scheme reads its header from the form default, or the same name when empty', () => {
		expect(signingFromCredential({ ...formDefaults('timestamped'), secret: 's' }).config).toEqual({
			scheme: 'timestamped',
			headerName: DEFAULT_TIMESTAMPED_HEADER_NAME,
		});
		expect(signingFromCredential({ scheme: 'timestamped', secret: 's' }).config).toEqual({
			scheme: 'timestamped',
			headerName: DEFAULT_TIMESTAMPED_HEADER_NAME,
		});
	});
});

describe('signatureHeaderNames', () => {
	it('names the headers each scheme signs in, lower-case, with the HMAC header a rotating sender adds', () => {
		expect(signatureHeaderNames({ ...DEFAULT_HMAC_SCHEME, scheme: 'hmac', headerName: 'X-Hub-Sig' })).toEqual([
			'x-hub-sig',
			'x-hub-sig-previous',
		]);
		expect(signatureHeaderNames({ scheme: 'timestamped', headerName: 'Stripe-Signature' })).toEqual(['stripe-signature']);
		expect(signatureHeaderNames({ scheme: 'standardWebhooks' })).toEqual(['webhook-signature', 'svix-signature']);
	});
});
