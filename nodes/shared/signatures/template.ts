/**
 * A signature described as a template, for senders whose scheme none of the fixed ones covers: an
 * HMAC over an ordered list of parts (raw body, timestamp header, method, URL, a header, sorted form
 * parameters, fixed text) joined by a separator. GitHub, Shopify, Slack and Twilio are presets of it
 * (presets.ts). Checked only: the Inbound Webhook Trigger verifies with it, nothing signs with it.
 */
import { createHash } from 'node:crypto';

import { isHeaderName } from '../http/headerRules';
import { constantTimeEqual, matchingHmacSecretIndex } from './constantTime';
import type { HmacAlgorithm, SignatureEncoding } from './hmac';
import { computeHmac } from './hmac';
import type { KeyEncoding } from './hmacKey';
import { BASE64_TEXT } from './hmacKey';
import type { TemplatePart, TemplateRequest } from './templateContent';
import { isFormBody, signedContent } from './templateContent';
import type { VerificationFailure, VerificationResult, VerifyOptions } from './types';
import { fail, isFailure, signatureHeader } from './types';

export type { TemplatePart, TemplateRequest } from './templateContent';

export interface SignatureTemplate {
	/** Reported as the scheme that verified a request (`meta.verifiedBy`): a preset's name, else `template-hmac-<algorithm>`. */
	name?: string;
	headerName: string;
	parts: TemplatePart[];
	/** Between the parts; may be empty. */
	separator: string;
	keyEncoding: KeyEncoding;
	algorithm: HmacAlgorithm;
	encoding: SignatureEncoding;
	/** Text before the digest in the header, such as `sha256=` or `v0=`. */
	prefix: string;
	/**
	 * Twilio's JSON webhooks: the URL carries the hex SHA-256 of the body in this query parameter, and
	 * only the URL is signed. The hash is then checked against the exact body bytes.
	 */
	bodyHashQueryParameter?: string;
}

const queryValue = (url: string | undefined, name: string) => {
	try {
		return url ? (new URL(url).searchParams.get(name) ?? undefined) : undefined;
	} catch {
		return undefined;
	}
};

/**
 * A signature that leaves the body out would let anyone replay it with another body. The body is
 * covered when a part signs it, when it is a form whose parameters are signed, when its hash in the
 * URL matches (Twilio's bodySHA256), or when it is empty.
 */
function bodyCoverage(template: SignatureTemplate, request: TemplateRequest): VerificationFailure | undefined {
	const kinds = new Set(template.parts.map((part) => part.kind));
	if (request.rawBody.length === 0 || kinds.has('body')) return undefined;
	if (kinds.has('formParams') && isFormBody(request.headers)) return undefined;
	const hashParameter = template.bodyHashQueryParameter;
	const hash = hashParameter ? queryValue(request.url?.(), hashParameter) : undefined;
	if (hashParameter === undefined || hash === undefined) {
		return fail('missing', `The signature does not cover this body${hashParameter ? ` (no ${hashParameter} in the URL)` : ''}`);
	}
	const actual = createHash('sha256').update(request.rawBody).digest('hex');
	return constantTimeEqual(actual, hash.toLowerCase())
		? undefined
		: fail('mismatch', `The body does not match ${hashParameter} in the URL`);
}

/** The digest from the header, without its prefix; hex in lower case, as senders differ in the case they print. */
function receivedDigest(template: SignatureTemplate, header: string): string | VerificationFailure {
	const value = header.trim();
	if (template.prefix && !value.startsWith(template.prefix)) {
		return fail('malformed', `Header ${template.headerName} does not start with "${template.prefix}"`);
	}
	const digest = value.slice(template.prefix.length);
	return template.encoding === 'hex' ? digest.toLowerCase() : digest;
}

/** Verifies a request against every active secret; each comparison is constant-time. */
export function verifyTemplate(
	template: SignatureTemplate,
	secrets: readonly string[],
	request: TemplateRequest,
	options: VerifyOptions,
): VerificationResult {
	const header = signatureHeader(request.headers, template.headerName);
	if (isFailure(header)) return header;
	const received = receivedDigest(template, header);
	if (isFailure(received)) return received;
	const content = signedContent(template.parts, template.separator, request, options);
	if (isFailure(content)) return content;
	const uncovered = bodyCoverage(template, request);
	if (uncovered) return uncovered;

	// Node prints hex digests in lower case, as the received one now is.
	const expected = (payload: Buffer) => (secret: string) =>
		computeHmac(secret, template.algorithm, payload, template.encoding, template.keyEncoding);
	const indexes = content.payloads.map((payload) => matchingHmacSecretIndex(secrets, [received], expected(payload)));
	const matched = indexes.filter((index) => index >= 0);
	if (matched.length === 0) return fail('mismatch', `Signature in ${template.headerName} does not match the request`);
	return {
		valid: true,
		scheme: template.name ?? `template-hmac-${template.algorithm}`,
		secretIndex: Math.min(...matched),
		...(content.timestampSeconds !== undefined ? { timestampSeconds: content.timestampSeconds } : {}),
	};
}

/** Problems with a template and the secrets it keys, naming the Inbound Webhook Trigger's fields; empty when it can verify. */
export function templateProblems(template: SignatureTemplate, secrets: readonly string[] = []): string[] {
	const problems: string[] = [];
	if (template.keyEncoding === 'base64' || template.keyEncoding === 'whsec') {
		const prefix = template.keyEncoding === 'whsec' ? /^whsec_/ : /^$/;
		if (secrets.some((secret) => !BASE64_TEXT.test(secret.trim().replace(prefix, '')))) {
			problems.push(
				`Key Encoding is ${template.keyEncoding === 'whsec' ? 'whsec_ and base64' : 'base64'}, but a secret of the credential is not`,
			);
		}
	}
	if (!isHeaderName(template.headerName)) problems.push(`Signature Header "${template.headerName}" is not a valid header name`);
	if (template.parts.length === 0) problems.push('Signed Parts is empty: add at least the raw body');
	for (const part of template.parts) {
		if ((part.kind === 'timestamp' || part.kind === 'header') && !isHeaderName(part.headerName)) {
			problems.push(`Signed Parts: "${part.headerName}" is not a valid header name`);
		}
	}
	if (template.parts.filter((part) => part.kind === 'timestamp').length > 1)
		problems.push('Signed Parts: only one part can be the timestamp');
	return problems;
}
