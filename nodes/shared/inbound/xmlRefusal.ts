import type { Rejection, RejectionCode } from './rejection';
import { reject } from './rejection';

/** Thrown from inside the XML reader to stop reading at once; carries the answer to send. */
export class XmlRefused extends Error {
	constructor(readonly rejection: Rejection) {
		super(rejection.message);
	}
}

/** A 413 naming the limit; the caller adds how to get past it (the triggers name their option). */
export const tooMany = (code: RejectionCode, what: string, limit: number, advice?: string) =>
	new XmlRefused(reject(413, code, `XML has more than ${limit.toLocaleString('en-US')} ${what}${advice ? `; ${advice}` : ''}`));

export const malformed = (message: string) => new XmlRefused(reject(400, 'malformed_body', message));
