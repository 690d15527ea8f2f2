import {
	explainError,
	explainStatus,
	explainWithClientCertificate,
	isReceiverCertificateFailure,
} from '../../../../nodes/shared/outbound/explanations';

describe('explanations (Freshsales error table and more)', () => {
	it.each([
		[301, 'Moved permanently'],
		[302, 'Moved temporarily'],
		[400, 'Bad request'],
		[401, 'Unauthorized'],
		[403, 'Forbidden'],
		[404, 'Not found'],
		[405, 'Method not allowed'],
		[409, 'Conflict'],
		[410, 'Gone'],
		[422, 'Unprocessable entity'],
		[429, 'Too many requests'],
		[500, 'Internal server error'],
		[502, 'Bad gateway'],
		[503, 'Service unavailable'],
		[504, 'Gateway timeout'],
	])('%d', (status, title) => {
		const explanation = explainStatus(status);
		expect(explanation.code).toBe(`HTTP_${status}`);
		expect(explanation.message.startsWith(`${status} ${title}: `)).toBe(true);
		expect(explanation.message.length).toBeGreaterThan(40);
	});

	it('falls back by status class', () => {
		expect(explainStatus(418).message).toBe('418: The receiver rejected the request. Check its documentation for this status.');
		expect(explainStatus(599).message).toMatch(/failed to process/);
		expect(explainStatus(399).message).toMatch(/redirected/);
	});

	it.each([
		['ETIMEDOUT', /did not answer within the timeout/],
		['ENOTFOUND', /could not be found in DNS/],
		['EAI_AGAIN', /DNS did not answer/],
		['ECONNREFUSED', /refused/],
		['ECONNRESET', /reset/],
		['ERR_BLOCKED_ADDRESS', /private, loopback or link-local/],
		['ERR_TLS_CERT_HAS_EXPIRED', /TLS/],
		['DEPTH_ZERO_SELF_SIGNED_CERT', /TLS/],
		['ERR_RESUMED_TOO_EARLY', /Wait node/],
	])('%s', (code, text) => {
		expect(explainError(code)).toEqual({ code, message: expect.stringMatching(text) });
	});

	it('names unknown codes and appends details', () => {
		expect(explainError('EWHATEVER').message).toBe('The request failed (EWHATEVER).');
		expect(explainError('ECONNREFUSED', 'port 1').message).toMatch(/\(port 1\)$/);
	});
});

describe('client certificate explanations', () => {
	it('tells a receiver that requires a certificate from one that refuses ours', () => {
		expect(explainError('ERR_TLS_ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')).toMatchObject({
			code: 'ERR_TLS_CLIENT_CERTIFICATE_REQUIRED',
			message: expect.stringMatching(/requires a client certificate/),
		});
		expect(explainError('ERR_TLS_ERR_SSL_TLSV1_ALERT_UNKNOWN_CA')).toMatchObject({
			code: 'ERR_TLS_CLIENT_CERTIFICATE_REFUSED',
			message: expect.stringMatching(/refused the client certificate/),
		});
	});

	it('tells a failure about the receiver’s own certificate from an alert about ours', () => {
		expect(isReceiverCertificateFailure('ERR_TLS_UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe(true);
		expect(isReceiverCertificateFailure('ERR_TLS_CERT_HAS_EXPIRED')).toBe(true);
		expect(isReceiverCertificateFailure('ERR_TLS_ERR_SSL_TLSV1_ALERT_UNKNOWN_CA')).toBe(false);
		expect(isReceiverCertificateFailure('ECONNRESET')).toBe(false);
	});

	it('adds the certificate as a possible cause of a reset only when one was presented', () => {
		expect(explainWithClientCertificate(explainError('ECONNRESET')).message).toMatch(/refuses one it does not trust/);
		expect(explainWithClientCertificate(explainError('ETIMEDOUT')).message).not.toMatch(/certificate/);
	});
});
