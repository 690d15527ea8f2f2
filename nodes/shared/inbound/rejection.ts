/**
 * How every inbound check says no: an HTTP status, a stable machine-readable code and a short
 * message. Messages are safe to log and to send back: they never hold a secret, a signature or
 * any part of the body.
 */
export interface Rejection {
	rejected: true;
	status: number;
	code: RejectionCode;
	message: string;
	/** Extra response headers, e.g. Retry-After for a 503. */
	headers?: Record<string, string>;
	/** Logged after the message, never sent: why a dependency failed (host and port, never a password). */
	logDetail?: string;
}

export type RejectionCode =
	| 'method_not_allowed'
	| 'ip_not_allowed'
	| 'body_too_large'
	| 'body_unreadable'
	| 'unsupported_encoding'
	| 'unauthorized'
	| 'forbidden'
	| 'replayed'
	| 'unsupported_media_type'
	| 'malformed_body'
	| 'xml_too_many_elements'
	| 'xml_too_many_attributes'
	| 'xml_too_many_text_nodes'
	| 'xml_attributes_too_long'
	| 'duplicate'
	| 'dedupe_store_unavailable';

export const reject = (status: number, code: RejectionCode, message: string): Rejection => ({
	rejected: true,
	status,
	code,
	message,
});

export const isRejection = (value: unknown): value is Rejection =>
	typeof value === 'object' && value !== null && (value as Rejection).rejected === true;

/** A parsed value, wrapped so that a body can never pass itself off as a rejection. */
export type Parsed = { value: unknown } | Rejection;

/**
 * How a failed authentication is answered: 401 with the scheme's WWW-Authenticate challenge when it has
 * one, or 403 when the sender proved to be someone else (a check of who, not of a secret).
 */
export function authRejection(failure: { message: string; challenge?: string; forbidden?: boolean }): Rejection {
	if (failure.forbidden) return reject(403, 'forbidden', failure.message);
	const rejection = reject(401, 'unauthorized', failure.message);
	return failure.challenge ? { ...rejection, headers: { 'WWW-Authenticate': failure.challenge } } : rejection;
}
