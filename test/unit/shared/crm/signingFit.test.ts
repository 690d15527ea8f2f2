import { signingMismatch } from '../../../../nodes/shared/crm/signingFit';

const salesOs = { id: 'salesOs', displayName: 'SalesOS' };

describe('signingMismatch', () => {
	it('accepts a credential set up as SalesOS signs', () => {
		expect(
			signingMismatch(salesOs, {
				scheme: 'hmac',
				secret: 's',
				hmacHeaderName: 'x-webhook-signature',
				algorithm: 'sha256',
				encoding: 'base64',
			}),
		).toBeUndefined();
	});

	it.each([
		[{ scheme: 'standardWebhooks', secret: 'whsec_x' }, /scheme is Standard Webhooks\. Choose HMAC Signature Header/],
		[{ scheme: 'hmac', secret: 's', hmacHeaderName: 'X-Accounting-Signature' }, /reads X-Accounting-Signature/],
		[{ scheme: 'hmac', secret: 's', algorithm: 'sha1' }, /uses SHA1/],
		[{ scheme: 'hmac', secret: 's', signedContent: 'timestampDotBody' }, /timestamp/],
	])('names what does not fit SalesOS: %j', (credential, reason) => {
		expect(signingMismatch(salesOs, credential)).toMatch(
			new RegExp(`^SalesOS signs with HMAC SHA256 of the body in X-Webhook-Signature; .*${reason.source}`),
		);
	});

	it('leaves CRMs whose scheme is open alone', () => {
		expect(signingMismatch({ id: 'custom', displayName: 'Custom' }, { scheme: 'standardWebhooks', secret: 'x' })).toBeUndefined();
	});
});
