/**
 * The signed content of a signature template: its parts, read from the request and joined by the
 * separator. Pure; verification is in template.ts.
 */
import { parseContentType } from '../inbound/contentType';
import { parseForm } from '../inbound/form';
import { DEFAULT_PARSE_LIMITS } from '../inbound/parseBody';
import { isRejection } from '../inbound/rejection';
import type { HeaderBag, VerificationFailure, VerifyOptions } from './types';
import { checkTimestamp, fail, isFailure, singleHeader } from './types';

/** One piece of the signed content, in the order the sender joins them. */
export type TemplatePart =
	| { kind: 'body' }
	| { kind: 'timestamp'; headerName: string }
	| { kind: 'method' }
	| { kind: 'url' }
	| { kind: 'header'; headerName: string }
	| { kind: 'formParams' }
	| { kind: 'text'; text: string };

/** What a template reads from one request. */
export interface TemplateRequest {
	method?: string;
	/** The URL as the sender used it; a function, so it is only worked out when a part needs it. */
	url?: () => string | undefined;
	headers: HeaderBag;
	/** The exact bytes received (after gzip/deflate decoding). */
	rawBody: Buffer;
}

export interface SignedContent {
	/** The signed bytes; more than one when the URL is tried with and without its port. */
	payloads: Buffer[];
	/** The signed timestamp header's value, read as unix seconds. */
	timestampSeconds?: number;
}

export const isFormBody = (headers: HeaderBag) =>
	parseContentType(headers['content-type']).mimeType === 'application/x-www-form-urlencoded';

/**
 * Form parameters as Twilio signs them: sorted by name, each name followed by its value, nothing
 * between; a repeated name once per distinct value, values sorted (twilio-node's toFormUrlEncodedParam).
 * A body that is not a form has none.
 */
export function sortedFormParameters(headers: HeaderBag, rawBody: Buffer): string | VerificationFailure {
	if (!isFormBody(headers)) return '';
	const parsed = parseForm(rawBody, rawBody.toString('utf8'), DEFAULT_PARSE_LIMITS.maxFormFields);
	if (isRejection(parsed)) return fail('malformed', parsed.message);
	const fields = parsed.value as Record<string, string | string[]>;
	return Object.keys(fields)
		.sort()
		.map((name) => {
			const value = fields[name];
			const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
			return values.map((one) => `${name}${one}`).join('');
		})
		.join('');
}

/**
 * The URL as given, without its port, and with the scheme's default port added when it has none:
 * senders differ in whether they sign the port (twilio-node checks both for that reason).
 */
export function urlVariants(url: string): string[] {
	const match = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
	if (!match) return [url];
	const [, scheme, authority, rest] = match;
	const withoutPort = authority.replace(/:\d*$/, '');
	const variants = [url, `${scheme}://${withoutPort}${rest}`];
	if (withoutPort === authority) variants.push(`${scheme}://${authority}:${scheme.toLowerCase() === 'https' ? 443 : 80}${rest}`);
	return [...new Set(variants)];
}

type PartValue = Buffer | string | string[] | VerificationFailure;

function headerValue(headers: HeaderBag, name: string): string | VerificationFailure {
	const value = singleHeader(headers, name);
	if (isFailure(value)) return value;
	return value === undefined || value === '' ? fail('missing', `Missing ${name} header`) : value;
}

/** One part's bytes, text or URL variants; `found.timestampSeconds` is set by a timestamp part. */
function partValue(part: TemplatePart, request: TemplateRequest, options: VerifyOptions, found: SignedContent): PartValue {
	switch (part.kind) {
		case 'body':
			return request.rawBody;
		case 'text':
			return part.text;
		case 'method':
			return (request.method ?? '').toUpperCase();
		case 'header':
			return headerValue(request.headers, part.headerName);
		case 'formParams':
			return sortedFormParameters(request.headers, request.rawBody);
		case 'url': {
			const url = request.url?.();
			return url ? urlVariants(url) : fail('malformed', 'The webhook URL the sender signed is not known');
		}
		case 'timestamp': {
			const raw = headerValue(request.headers, part.headerName);
			if (isFailure(raw)) return raw;
			const seconds = checkTimestamp(raw, part.headerName, options);
			if (isFailure(seconds)) return seconds;
			found.timestampSeconds = seconds;
			// Signed as the header carries it: milliseconds or leading zeros included.
			return raw;
		}
	}
}

/** The parts joined by `separator`, once per URL variant. The body is used as its exact bytes. */
export function signedContent(
	parts: readonly TemplatePart[],
	separator: string,
	request: TemplateRequest,
	options: VerifyOptions,
): SignedContent | VerificationFailure {
	const found: SignedContent = { payloads: [] };
	let payloads: Buffer[][] = [[]];
	const joint = Buffer.from(separator, 'utf8');
	for (const [index, part] of parts.entries()) {
		const value = partValue(part, request, options, found);
		if (isFailure(value)) return value;
		const alternatives = (Array.isArray(value) ? value : [value]).map((one) => (Buffer.isBuffer(one) ? one : Buffer.from(one, 'utf8')));
		const lead = index > 0 ? [joint] : [];
		payloads = payloads.flatMap((pieces) => alternatives.map((alternative) => [...pieces, ...lead, alternative]));
	}
	found.payloads = payloads.map((pieces) => Buffer.concat(pieces));
	return found;
}
