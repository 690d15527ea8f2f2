import { signatureHeader } from '../../../../nodes/shared/signatures/types';

describe('signatureHeader', () => {
	it('reads the one value, whatever case the name is given in', () => {
		expect(signatureHeader({ 'x-webhook-signature': 'abc' }, 'X-Webhook-Signature')).toBe('abc');
		expect(signatureHeader({ 'x-webhook-signature': ['abc'] }, 'X-Webhook-Signature')).toBe('abc');
	});

	it('names a missing or empty header', () => {
		const missing = { valid: false, reason: 'missing', message: 'Missing X-Webhook-Signature header' };
		expect(signatureHeader({}, 'X-Webhook-Signature')).toEqual(missing);
		expect(signatureHeader({ 'x-webhook-signature': '' }, 'X-Webhook-Signature')).toEqual(missing);
	});

	it('refuses a header sent twice', () => {
		expect(signatureHeader({ 'x-webhook-signature': ['a', 'b'] }, 'X-Webhook-Signature')).toEqual({
			valid: false,
			reason: 'malformed',
			message: 'Header X-Webhook-Signature was sent more than once',
		});
	});
});
