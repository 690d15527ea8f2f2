/**
 * Plain-language explanations of what went wrong, after Freshsales' webhook error table, extended
 * with the statuses and network failures webhook senders meet most often.
 */
const STATUS_TEXT: Record<number, [string, string]> = {
	301: [
		'Moved permanently',
		'The requested resource has permanently moved to a different URL. Update the URL, or turn on Follow Redirects.',
	],
	302: [
		'Moved temporarily',
		'The requested resource has temporarily moved to a different URL. Turn on Follow Redirects, or send to the new URL.',
	],
	303: ['See other', 'The receiver points to another URL for the result. Turn on Follow Redirects if that is expected.'],
	307: ['Temporary redirect', 'The resource is temporarily at another URL. Turn on Follow Redirects, or send to the new URL.'],
	308: ['Permanent redirect', 'The resource has permanently moved to another URL. Update the URL.'],
	400: ['Bad request', 'The request you sent is invalid: it may have invalid parameters, or it may be too large.'],
	401: [
		'Unauthorized',
		'You do not have permission to access the resource: authentication failed or was not provided. Check the credential.',
	],
	403: ['Forbidden', 'Your request is correct, but you are not authorized to perform the requested operation.'],
	404: ['Not found', 'The requested resource is not available. Check the URL.'],
	405: ['Method not allowed', 'Your request method is not supported for the requested resource. Check the Method.'],
	408: ['Request timeout', 'The receiver gave up waiting for the request. It is usually safe to retry.'],
	409: ['Conflict', "Your request can't be processed because it conflicts with another request at the server's end."],
	410: ['Gone', 'The resource no longer exists and will not come back. Remove or update the webhook URL.'],
	413: ['Payload too large', 'The receiver refuses a body this large. Send fewer fields.'],
	415: ['Unsupported media type', 'The receiver does not accept this encoding. Choose another Encoding.'],
	422: ['Unprocessable entity', "Your request is correctly framed, but the server can't process the contained instructions."],
	425: ['Too early', 'The receiver is not ready to process the request yet. It is safe to retry.'],
	429: ['Too many requests', "You've sent too many requests recently. The node waits as the receiver asks (Retry-After) and tries again."],
	500: ['Internal server error', 'The server encountered an internal error or misconfiguration.'],
	501: ['Not implemented', 'The receiver does not support this request.'],
	502: ['Bad gateway', 'The server is a gateway or proxy and received an invalid response from the upstream server.'],
	503: ['Service unavailable', 'The server is overloaded or down for maintenance. It is usually safe to retry.'],
	504: ['Gateway timeout', 'The server is a gateway or proxy and the upstream server did not answer in time.'],
};

const ERROR_TEXT: Record<string, string> = {
	ETIMEDOUT: 'The receiver did not answer within the timeout. Raise the Timeout, or check that the receiver is up.',
	ENOTFOUND: 'The host name could not be found in DNS. Check the URL for typos.',
	EAI_AGAIN: 'DNS did not answer in time (a temporary name resolution failure).',
	ECONNREFUSED: 'The connection was refused: nothing is listening at that address and port.',
	ECONNRESET: 'The connection was reset by the receiver (or a proxy or firewall on the way) before an answer arrived.',
	EPIPE: 'The receiver closed the connection while the request was being sent.',
	EHOSTUNREACH: 'The host cannot be reached from this network.',
	ENETUNREACH: 'The network of the host cannot be reached from here.',
	ECONNABORTED: 'The connection was aborted.',
	ERR_BLOCKED_ADDRESS:
		'The target address is on a private, loopback or link-local network, which Block Private Networks refuses (this protects internal services and cloud metadata).',
	ERR_TOO_MANY_REDIRECTS: 'The receiver redirected more than 5 times.',
	ERR_BAD_REDIRECT: 'The receiver redirected to a URL that is not http:// or https://.',
	ERR_PROXY: 'The proxy refused or failed to open the connection.',
	ERR_TLS_CLIENT_CERTIFICATE_REQUIRED:
		'The receiver requires a client certificate (mTLS): turn on Client Certificate and choose a Webhook Client Certificate credential.',
	ERR_TLS_CLIENT_CERTIFICATE_REFUSED:
		'The receiver refused the client certificate: it is not issued by a CA the receiver trusts, or it is expired or revoked. Check the certificate with the receiver.',
	ERR_TLS:
		'The TLS (HTTPS) connection failed: the certificate is invalid, expired or for another host. Fix the certificate, or turn on Ignore TLS Errors for testing.',
	ERR_ABORTED: 'The execution was cancelled while the request was in flight.',
	ERR_RESUMED_TOO_EARLY:
		'The item kept coming back to this node long before its nextAttemptAt. Put a Wait node (Resume: At Specified Time = {{ $json.delivery.nextAttemptAt }}) between Retry Later and this node.',
	ERR_INVALID_REQUEST: 'The request could not be built from this item.',
};

export interface Explanation {
	code: string;
	message: string;
}

/** `HTTP_410` + "Gone: The resource no longer exists …". */
export function explainStatus(statusCode: number): Explanation {
	const known = STATUS_TEXT[statusCode];
	if (known) return { code: `HTTP_${statusCode}`, message: `${statusCode} ${known[0]}: ${known[1]}` };
	const family =
		statusCode >= 500
			? 'The receiver failed to process the request.'
			: statusCode >= 400
				? 'The receiver rejected the request. Check its documentation for this status.'
				: statusCode >= 300
					? 'The receiver redirected the request. Turn on Follow Redirects, or send to the new URL.'
					: 'The receiver answered with an unexpected status.';
	return { code: `HTTP_${statusCode}`, message: `${statusCode}: ${family}` };
}

/** TLS alerts a receiver sends about the client's certificate (OpenSSL's names, in Node's error codes). */
const CLIENT_CERTIFICATE_ALERTS: Array<[RegExp, string]> = [
	[/ALERT_CERTIFICATE_REQUIRED|ALERT_HANDSHAKE_FAILURE/, 'ERR_TLS_CLIENT_CERTIFICATE_REQUIRED'],
	[
		/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|DECRYPT_ERROR)/,
		'ERR_TLS_CLIENT_CERTIFICATE_REFUSED',
	],
];

/** Explanation of a transport error code (Node errno or one of ours). */
export function explainError(code: string, detail?: string): Explanation {
	const alert = CLIENT_CERTIFICATE_ALERTS.find(([pattern]) => pattern.test(code))?.[1];
	const known = ERROR_TEXT[alert ?? code];
	const text = known ?? (code.startsWith('ERR_TLS') || /CERT|SSL/.test(code) ? ERROR_TEXT.ERR_TLS : undefined);
	const message = text ?? `The request failed (${code}).`;
	return { code: alert ?? code, message: detail ? `${message} (${detail})` : message };
}

/** Whether a TLS failure is about the receiver's own certificate, not an alert about the client's. */
export const isReceiverCertificateFailure = (code: string): boolean => explainError(code).message === ERROR_TEXT.ERR_TLS;

/**
 * With a client certificate, a receiver that distrusts it often just closes the connection after the
 * handshake (TLS 1.3), which looks like any reset: say so, so the certificate is checked too.
 */
export function explainWithClientCertificate(explanation: Explanation): Explanation {
	if (explanation.code !== 'ECONNRESET') return explanation;
	return {
		...explanation,
		message: `${explanation.message} With a client certificate, this is also how a receiver refuses one it does not trust: check the Webhook Client Certificate credential with the receiver.`,
	};
}
