/** A failed exchange: `code` is a Node errno (ECONNRESET, ENOTFOUND, …) or one of ours (ERR_BLOCKED_ADDRESS, …). */
export class TransportError extends Error {
	readonly code: string;

	/** True for failures where the request may never have reached the receiver, so a retry is safe. */
	readonly retryable: boolean;

	constructor(code: string, message: string, retryable: boolean) {
		super(message);
		this.name = 'TransportError';
		this.code = code;
		this.retryable = retryable;
	}
}

/** Network failures worth retrying; DNS "not found", TLS and policy errors are not (they do not heal by waiting). */
const RETRYABLE_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'EPIPE',
	'ETIMEDOUT',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'EHOSTDOWN',
	'ERR_PROXY',
	'UND_ERR_SOCKET',
]);

/** Turns whatever node:http threw into a TransportError with a stable code. */
export function toTransportError(error: unknown): TransportError {
	if (error instanceof TransportError) return error;
	const err = error as NodeJS.ErrnoException;
	let code = typeof err?.code === 'string' ? err.code : 'ECONNRESET';
	if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) code = `ERR_TLS_${code.replace(/^ERR_TLS_/, '')}`;
	const message = err?.message ?? String(error);
	return new TransportError(code, message, RETRYABLE_CODES.has(code));
}
