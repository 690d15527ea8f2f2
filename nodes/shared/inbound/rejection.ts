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
