import { rememberFirst } from '../boundedCache';

/** Request headers as Node gives them: lower-case names; a repeated header may arrive as an array. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export type VerificationFailure = {
	valid: false;
	/** missing: no signature; malformed: unparsable; mismatch: wrong signature; expired: timestamp outside tolerance. */
	reason: 'missing' | 'malformed' | 'mismatch' | 'expired';
	/** Safe to log and to return to the sender: never contains a secret or the expected signature. */
	message: string;
	/** The WWW-Authenticate challenge a 401 carries (RFC 9110), for schemes that have one (HTTP Basic). */
	challenge?: string;
	/** The sender identified itself as someone else (Salesforce's organization ID): answered 403, not 401. */
	forbidden?: boolean;
};

export type VerificationSuccess = {
	valid: true;
	scheme: string;
	/** Index of the secret that matched, so rotations can be observed (0 = current secret). */
	secretIndex: number;
	/** The signed timestamp, for schemes that carry one (unix seconds). */
	timestampSeconds?: number;
	/** The signed message id, for schemes that carry one (Standard Webhooks `webhook-id`). */
	messageId?: string;
	/**
	 * The signed bytes and their JSON value, when the check had to parse the body: everything after
	 * the check reads these instead of the bytes received, so the body is parsed once and what the
	 * workflow sees is exactly what was signed (HighLevel's re-serialised JSON, its body timestamp).
	 */
	signedBody?: { bytes: Buffer; json: unknown };
};

export type VerificationResult = VerificationSuccess | VerificationFailure;

export interface VerifyOptions {
	/** Maximum age (and future skew) of a signed timestamp, in seconds. 0 disables the check. */
	toleranceSeconds: number;
	/** Current time in unix seconds; injectable for tests. */
	nowSeconds?: number;
}

export const fail = (reason: VerificationFailure['reason'], message: string): VerificationFailure => ({
	valid: false,
	reason,
	message,
});

/**
 * Header names lower-cased, as Node gives them, kept per name: lower-casing a name and looking the new
 * string up cost 0.1 to 0.2 µs per header on every request. The names are a scheme's or credential's.
 */
const headerKey = rememberFirst((name) => name.toLowerCase(), 256);

/** Reads one header. A header sent twice is refused: a second copy is a classic way to smuggle a forged value. */
export function singleHeader(headers: HeaderBag, name: string): string | undefined | VerificationFailure {
	const value = headers[headerKey(name)];
	if (Array.isArray(value)) {
		return value.length === 1 ? value[0] : fail('malformed', `Header ${name} was sent more than once`);
	}
	return value;
}

export const isFailure = (value: unknown): value is VerificationFailure =>
	typeof value === 'object' && value !== null && (value as VerificationFailure).valid === false;

/** The signature header's one non-empty value, or why there is none (missing, or sent twice). */
export function signatureHeader(headers: HeaderBag, name: string): string | VerificationFailure {
	const header = singleHeader(headers, name);
	if (isFailure(header)) return header;
	return header ? header : fail('missing', `Missing ${name} header`);
}

/**
 * Parses a unix timestamp header and checks it against the tolerance window in both directions.
 * Values above 1e12 are read as milliseconds, which some senders use. The number is for this check
 * only: signatures cover the header's text as sent (`1700000000000`, not the seconds read from it).
 */
export function checkTimestamp(raw: string | undefined, name: string, options: VerifyOptions): number | VerificationFailure {
	if (raw === undefined || raw === '') return fail('missing', `Missing ${name} header`);
	if (!/^\d{1,16}$/.test(raw.trim())) return fail('malformed', `Header ${name} is not a unix timestamp`);
	let seconds = Number(raw.trim());
	if (seconds > 1e12) seconds = Math.floor(seconds / 1000);
	if (options.toleranceSeconds > 0) {
		const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
		if (Math.abs(now - seconds) > options.toleranceSeconds) {
			return fail('expired', `Timestamp in ${name} is outside the ${options.toleranceSeconds} s replay window`);
		}
	}
	return seconds;
}
