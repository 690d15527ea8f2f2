import { REDACTED, redactHeaders, redactionList } from '../../../../nodes/shared/inbound/redact';

describe('header redaction', () => {
	it('redacts credentials, signatures, cookies and extra names, keeps the rest', () => {
		const headers = {
			authorization: 'Bearer abc',
			cookie: 'session=1',
			'x-webhook-signature': 'deadbeef',
			'webhook-signature': 'v1,abc',
			'x-custom-key': 'k',
			'x-my-secret': 's',
			'x-access-token': 't',
			'content-type': 'application/json',
			'x-forwarded-for': ['1.1.1.1', '2.2.2.2'],
			'user-agent': undefined,
		};
		expect(redactHeaders(headers, redactionList(['X-Custom-Key']))).toEqual({
			authorization: REDACTED,
			cookie: REDACTED,
			'x-webhook-signature': REDACTED,
			'webhook-signature': REDACTED,
			'x-custom-key': REDACTED,
			'x-my-secret': REDACTED,
			'x-access-token': REDACTED,
			'content-type': 'application/json',
			'x-forwarded-for': ['1.1.1.1', '2.2.2.2'],
		});
	});
});
