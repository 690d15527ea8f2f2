import type { Readable } from 'node:stream';

import type { HeaderBag, VerificationSuccess } from '../signatures/types';
import type { Authenticator } from './authenticator';
import { readBody, tooLarge } from './bodyReader';
import type { BodyKind, ContentType } from './contentType';
import { parseContentType } from './contentType';
import type { EventDedupe } from '../dedupe/types';
import { JSON_CONTENT_TYPE } from '../http/jsonText';
import { RETRY_AFTER_SECONDS } from '../dedupe/types';
import type { HandshakeAnswer } from './handshake';
import { clientOf, inRanges } from './ipAccess';
import { OPEN_ARRAY, OPEN_OBJECT } from './json';
import { parseBody, resolveBodyKind } from './parseBody';
import type { InboundPolicy } from './policy';
import type { Rejection } from './rejection';
import { authRejection, isRejection, reject } from './rejection';
import { checkReplayWindow } from './replay';

/** One incoming request, as the trigger got it from n8n. */
export interface InboundRequest {
	method: string;
	/** Lower-case names; a header sent more than once as an array (see headerBagOf). */
	headers: HeaderBag;
	query: Record<string, unknown>;
	/** The URL the sender used (n8n's webhook URL and the query as sent), worked out when asked. */
	url?: () => string | undefined;
	/** The direct TCP peer (req.socket.remoteAddress), not a forwarded address. */
	peerAddress: string | undefined;
	/** The unread request stream, or bytes already read and decoded. */
	body: Readable | Buffer;
}

/** Per-request collaborators. */
export interface PipelineContext {
	authenticate: Authenticator;
	/** Required when the policy deduplicates. */
	dedupe?: EventDedupe;
	/** Unix seconds; injectable for tests. */
	nowSeconds?: number;
}

export interface AcceptedRequest {
	outcome: 'accepted';
	/** The request's headers and query, as received (redact headers before output). */
	headers: HeaderBag;
	query: Record<string, unknown>;
	/** The signed bytes: the bytes received, unless the check verified a re-serialised form of them. */
	rawBody: Buffer;
	bodyKind: BodyKind;
	/** Parsed body; a Buffer for binary bodies. */
	body: unknown;
	contentType: ContentType;
	clientIp?: string;
	verification: VerificationSuccess;
	eventId?: string;
}

/** Answered without starting the workflow: a handshake, or an acknowledged duplicate. */
export interface AnsweredRequest extends HandshakeAnswer {
	outcome: 'answered';
	code: 'handshake' | 'duplicate';
	clientIp?: string;
	eventId?: string;
}

export interface RejectedRequest extends Rejection {
	outcome: 'rejected';
	clientIp?: string;
	/** Set for duplicates, so the caller can log which event was refused. */
	eventId?: string;
}

export type PipelineResult = AcceptedRequest | AnsweredRequest | RejectedRequest;

const rejected = (rejection: Rejection, clientIp?: string, eventId?: string): RejectedRequest => ({
	...rejection,
	outcome: 'rejected',
	clientIp,
	...(eventId === undefined ? {} : { eventId }),
});

const answered = (code: AnsweredRequest['code'], answer: HandshakeAnswer, clientIp?: string, eventId?: string): AnsweredRequest => ({
	...answer,
	outcome: 'answered',
	code,
	clientIp,
	eventId,
});

/** The body that acknowledges a repeated delivery without starting the workflow. */
export const DUPLICATE_ACK_BODY = Object.freeze({ received: true, duplicate: true });

const DUPLICATE_ACK: HandshakeAnswer = { status: 200, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(DUPLICATE_ACK_BODY) };

/**
 * The dedupe store could not answer: the sender is asked to retry later and nothing starts, so no
 * event passes unchecked. The log says why; the sender is not told the store's address.
 */
export function dedupeStoreUnavailable(error: unknown): Rejection {
	return {
		...reject(503, 'dedupe_store_unavailable', 'The dedupe store is unavailable; retry later'),
		headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
		logDetail: (error as Error).message,
	};
}

/**
 * Decides what happens to one request, cheapest checks first, and parses nothing that is not
 * authenticated:
 *
 *   method (405) → client IP (403) → [query handshake before auth] → [a credential in a header or the
 *   query (401): before the body is read] → body size (413) → authentication over the raw bytes (401, or 403
 *   for the wrong sender) → replay window (401) → content type (415) →
 *   parse (400) → handshake (200) → dedupe store down (503) → duplicate (409, or 200 with
 *   `duplicate: true`) → accepted.
 *
 * It never throws for anything a sender controls; the caller answers rejections and logs their
 * code and message (both safe: no secret, no body).
 */
export async function runInboundPipeline(
	request: InboundRequest,
	policy: InboundPolicy,
	context: PipelineContext,
): Promise<PipelineResult> {
	const admitted = admit(request, policy);
	if ('outcome' in admitted) return admitted;
	const { clientIp } = admitted;
	const checkedFirst = context.authenticate.headersOnly ? verify(request, policy, context, NO_BODY) : undefined;
	if (checkedFirst && isRejection(checkedFirst)) return rejected(checkedFirst, clientIp);

	// A body n8n already read is checked at once: no stream to wait for, so no promise either.
	const rawBody = Buffer.isBuffer(request.body) ? withinLimit(request.body, policy.maxBodyBytes) : await readStream(request, policy);
	if (isRejection(rawBody)) return rejected(rawBody, clientIp);
	const verified = checkedFirst
		? { verification: checkedFirst.verification, signedBytes: rawBody }
		: verify(request, policy, context, rawBody);
	if (isRejection(verified)) return rejected(verified, clientIp);
	const { verification, signedBytes } = verified;

	const parsed = parseSignedBody(request, policy, verified);
	if (isRejection(parsed)) return rejected(parsed, clientIp);
	const { body } = parsed;

	if (policy.handshake && !policy.handshake.beforeAuth) {
		const answer = policy.handshake.answer(request.query, body);
		if (answer) return isRejection(answer) ? rejected(answer, clientIp) : answered('handshake', answer, clientIp);
	}

	// A Standard Webhooks message id is signed, so it serves as the event id when none is configured.
	const eventId = eventIdOf(request, policy, parsed, signedBytes) ?? verification.messageId;
	if (policy.dedupe && eventId !== undefined && context.dedupe) {
		const duplicate = await duplicateAnswer(policy.dedupe, context.dedupe, eventId, clientIp);
		if (duplicate) return duplicate;
	}

	return {
		outcome: 'accepted',
		headers: request.headers,
		query: request.query,
		rawBody: signedBytes,
		bodyKind: parsed.bodyKind,
		body,
		contentType: parsed.contentType,
		clientIp,
		verification,
		eventId,
	};
}

/** Method, client address and a handshake answered before authentication: nothing read yet. */
function admit(request: InboundRequest, policy: InboundPolicy): PipelineResult | { clientIp: string | undefined } {
	if (policy.methods && !policy.methods.has(request.method.toUpperCase())) {
		return rejected(reject(405, 'method_not_allowed', `Method ${request.method.slice(0, 16)} is not accepted`));
	}

	const { allow, trustedProxies } = policy.ipAccess;
	const { client, clientIp } = clientOf(request.peerAddress, request.headers['x-forwarded-for'], trustedProxies);
	if (allow.length > 0 && (!client || !inRanges(client, allow))) {
		return rejected(reject(403, 'ip_not_allowed', 'This client address is not allowed'), clientIp);
	}

	if (policy.handshake?.beforeAuth) {
		const answer = policy.handshake.answer(request.query, undefined);
		if (answer) return isRejection(answer) ? rejected(answer, clientIp) : answered('handshake', answer, clientIp);
	}
	return { clientIp };
}

interface Verified {
	verification: VerificationSuccess;
	/** The bytes the signature covers (they differ from the bytes received for re-serialised JSON). */
	signedBytes: Buffer;
}

/** What a headers-only authenticator is given: it reads no body. */
const NO_BODY = Buffer.alloc(0);

const withinLimit = (body: Buffer, maxBytes: number) => (body.length > maxBytes ? tooLarge(maxBytes) : body);

/** The unread request stream, read up to its size limit. */
const readStream = (request: InboundRequest, policy: InboundPolicy) =>
	readBody(request.body as Readable, request.headers, { maxBytes: policy.maxBodyBytes });

/** The body authenticated over its raw bytes, inside the replay window. */
function verify(request: InboundRequest, policy: InboundPolicy, context: PipelineContext, rawBody: Buffer): Verified | Rejection {
	const nowSeconds = context.nowSeconds ?? Math.floor(Date.now() / 1000);
	// The verifiers' own window is off (0) so a stale timestamp is reported as a replay, below.
	const verification = context.authenticate(
		{ method: request.method, url: request.url, headers: request.headers, query: request.query, rawBody },
		{ toleranceSeconds: 0, nowSeconds },
	);
	if (!verification.valid) return authRejection(verification);
	const replay = checkReplayWindow(verification.timestampSeconds, policy.replayWindowSeconds, nowSeconds);
	if (replay) return replay;
	return { verification, signedBytes: verification.signedBody?.bytes ?? rawBody };
}

/** Content type (415) and parse (400), over the signed bytes only. */
function parseSignedBody(
	request: InboundRequest,
	policy: InboundPolicy,
	{ verification, signedBytes }: Verified,
): Pick<AcceptedRequest, 'bodyKind' | 'body' | 'contentType'> | Rejection {
	const contentType = parseContentType(request.headers['content-type']);
	const bodyKind = resolveBodyKind(contentType, policy.bodyType, signedBytes.length);
	if (isRejection(bodyKind)) return bodyKind;
	const parsed =
		bodyKind === 'json' && verification.signedBody
			? { value: verification.signedBody.json }
			: parseBody(signedBytes, bodyKind, contentType, policy.parseLimits);
	if (isRejection(parsed)) return parsed;
	return { bodyKind, body: parsed.value, contentType };
}

/** Body kinds whose reading never fails, so bytes of another format read as one of them hold no id, or a wrong one. */
const LENIENT_KINDS: ReadonlySet<BodyKind> = new Set(['form', 'text', 'binary']);
const LESS_THAN = 0x3c;

/** JSON or XML, as the first byte after white space and a byte order mark says; undefined for anything else. */
function structuredKindOf(bytes: Buffer): BodyKind | undefined {
	let index = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	while (index < bytes.length && (bytes[index] === 0x20 || (bytes[index] >= 0x09 && bytes[index] <= 0x0d))) index++;
	const first = bytes[index];
	if (first === OPEN_OBJECT || first === OPEN_ARRAY) return 'json';
	return first === LESS_THAN ? 'xml' : undefined;
}

/**
 * The event id for dedupe. The Content-Type is not signed: a captured JSON or XML delivery resent as text/plain or
 * as a form would hold no id (or a wrong one from `&id=` inside a string) and so pass dedupe. With Body Type From Content-Type, a
 * lenient reading is checked against the bytes: JSON or XML bytes give their id first, then the lenient reading's,
 * then the bytes read as a form.
 */
function eventIdOf(
	request: InboundRequest,
	{ dedupe, bodyType, parseLimits }: InboundPolicy,
	parsed: Pick<AcceptedRequest, 'bodyKind' | 'body' | 'contentType'>,
	signedBytes: Buffer,
): string | undefined {
	if (!dedupe) return undefined;
	const read = (kind: BodyKind, body: unknown) =>
		dedupe.readEventId({ headers: request.headers, body, jsonBytes: kind === 'json' ? signedBytes : undefined });
	const reread = (kind: BodyKind | undefined) => {
		const value = kind === undefined ? undefined : parseBody(signedBytes, kind, parsed.contentType, parseLimits);
		return value === undefined || isRejection(value) ? undefined : read(kind as BodyKind, value.value);
	};
	if (!dedupe.readsBody || bodyType !== 'auto' || !LENIENT_KINDS.has(parsed.bodyKind)) return read(parsed.bodyKind, parsed.body);
	return (
		reread(structuredKindOf(signedBytes)) ?? read(parsed.bodyKind, parsed.body) ?? (parsed.bodyKind === 'form' ? undefined : reread('form'))
	);
}

/** The answer to a repeated event (409, or 200 with `duplicate: true`), a 503 when the store is down, else nothing. */
async function duplicateAnswer(
	dedupePolicy: NonNullable<InboundPolicy['dedupe']>,
	dedupe: EventDedupe,
	eventId: string,
	clientIp: string | undefined,
): Promise<PipelineResult | undefined> {
	let seen: boolean[];
	try {
		seen = await dedupe.seenBefore([{ eventId, windowSeconds: dedupePolicy.options.windowSeconds }]);
	} catch (error) {
		return rejected(dedupeStoreUnavailable(error), clientIp, eventId);
	}
	if (!seen[0]) return undefined;
	return dedupePolicy.onDuplicate === 'acknowledge'
		? answered('duplicate', DUPLICATE_ACK, clientIp, eventId)
		: rejected(reject(409, 'duplicate', 'This event was already received'), clientIp, eventId);
}
