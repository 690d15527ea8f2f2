import { toTransportError } from '../../../../../nodes/shared/outbound/transport/errors';

describe('toTransportError', () => {
	it('keeps errno codes and marks what may be retried', () => {
		expect(toTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toMatchObject({ code: 'ECONNRESET', retryable: true });
		expect(toTransportError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toMatchObject({ code: 'ENOTFOUND', retryable: false });
		expect(toTransportError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toMatchObject({
			code: 'ERR_TLS_CERT_HAS_EXPIRED',
			retryable: false,
		});
	});
});
