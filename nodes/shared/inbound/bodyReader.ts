import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

import type { HeaderBag } from '../signatures/types';
import type { Rejection } from './rejection';
import { reject } from './rejection';

/**
 * Reads a request body from its stream with a hard size limit and returns the exact bytes, so a
 * signature can be checked over them. A body declared too large is refused before a byte is read;
 * one that grows too large is cut off mid-stream. gzip and deflate bodies are decoded and the limit
 * applies to the decoded size, so a small compressed "zip bomb" cannot fill memory, and to the size
 * sent, so a stream that decodes to nothing cannot run on forever.
 */
export interface BodyLimits {
	maxBytes: number;
}

/** A Map: the sender names the encoding, and `Content-Encoding: constructor` must find nothing. */
const DECODERS = new Map<string, () => NodeJS.ReadWriteStream>([
	['gzip', createGunzip],
	['x-gzip', createGunzip],
	['deflate', createInflate],
]);

const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);

const contentEncodingOf = (headers: HeaderBag) => (headerText(headers['content-encoding']) ?? '').trim().toLowerCase();
const isIdentity = (encoding: string) => encoding === '' || encoding === 'identity';

export const tooLarge = (maxBytes: number) =>
	reject(413, 'body_too_large', `Body is larger than the ${maxBytes} bytes this webhook accepts`);

/** What a body within the limit may take encoded: stored (incompressible) deflate adds 5 bytes per 16 KB, plus headers. */
const encodedLimit = (maxBytes: number) => maxBytes + Math.ceil(maxBytes / 1024) + 1024;

/**
 * Refuses by Content-Length alone; undefined when the declared size (if any) is within the limit. An encoded
 * body declares its size as sent, which gets the room encodedLimit gives.
 */
export function checkDeclaredLength(headers: HeaderBag, limits: BodyLimits): Rejection | undefined {
	const declared = headerText(headers['content-length']);
	if (declared === undefined || declared === '') return undefined;
	if (!/^\s*\d+\s*$/.test(declared)) return reject(400, 'body_unreadable', 'Content-Length is not a number');
	const encoded = !isIdentity(contentEncodingOf(headers));
	return Number(declared) > (encoded ? encodedLimit(limits.maxBytes) : limits.maxBytes) ? tooLarge(limits.maxBytes) : undefined;
}

/** The decoder for a Content-Encoding, null for an unencoded body, or a rejection for one we cannot decode. */
function decoderFor(headers: HeaderBag): NodeJS.ReadWriteStream | null | Rejection {
	const encoding = contentEncodingOf(headers);
	if (isIdentity(encoding)) return null;
	const create = DECODERS.get(encoding);
	if (!create) {
		return reject(415, 'unsupported_encoding', `Content-Encoding "${encoding.slice(0, 40)}" is not supported; use gzip, deflate or none`);
	}
	return create();
}

/** The answer when reading stops on an error: the decoder's (bytes that are not what they claim) or the client's. */
const streamFailure = (decoderFailed: boolean): Rejection =>
	decoderFailed
		? reject(400, 'body_unreadable', 'The body could not be decoded with its Content-Encoding')
		: reject(400, 'body_unreadable', 'The request body stream was aborted');

export async function readBody(stream: Readable, headers: HeaderBag, limits: BodyLimits): Promise<Buffer | Rejection> {
	const declared = checkDeclaredLength(headers, limits);
	if (declared) return declared;
	const decoder = decoderFor(headers);
	if (decoder && 'rejected' in decoder) return decoder;
	if (stream.readableEnded) return Buffer.alloc(0);
	if (stream.destroyed) return reject(400, 'body_unreadable', 'The request body stream was closed before it could be read');

	return await collectBody(stream, decoder, limits);
}

/** Reads the (decoded) body up to the limit; stops at the first error, at the limit, or when the client goes away. */
function collectBody(stream: Readable, decoder: NodeJS.ReadWriteStream | null, limits: BodyLimits): Promise<Buffer | Rejection> {
	const source = (decoder ?? stream) as Readable;
	if (decoder) stream.pipe(decoder);

	return new Promise<Buffer | Rejection>((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let sentSize = 0;
		let settled = false;

		const settle = (result: Buffer | Rejection) => {
			if (settled) return;
			settled = true;
			source.off('data', onData);
			source.off('end', onEnd);
			source.off('error', onSourceError);
			stream.off('error', onClientError);
			stream.off('close', onClose);
			stream.off('data', onSentData);
			if (decoder) {
				stream.unpipe(decoder as NodeJS.WritableStream);
				(decoder as unknown as Readable).destroy();
			}
			// Stop pulling an over-long body; the caller answers with Connection: close, which drops the rest.
			if (!Buffer.isBuffer(result)) stream.pause();
			resolve(result);
		};
		const onData = (chunk: Buffer | string) => {
			const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			size += bytes.length;
			if (size > limits.maxBytes) return settle(tooLarge(limits.maxBytes));
			chunks.push(bytes);
		};
		const onSentData = (chunk: Buffer) => {
			sentSize += chunk.length;
			if (sentSize > encodedLimit(limits.maxBytes)) settle(tooLarge(limits.maxBytes));
		};
		const onEnd = () => settle(Buffer.concat(chunks, size));
		// Which stream failed says why: the decoder's bytes were not what they claimed, or the client went away.
		// (The request is already destroyed once it has ended, so its state cannot tell the two apart.)
		const onSourceError = () => settle(streamFailure(decoder !== null));
		const onClientError = () => settle(streamFailure(false));
		// A client that disconnects mid-body closes the stream without an end.
		const onClose = () => {
			if (!stream.readableEnded) onClientError();
		};

		source.on('data', onData);
		source.on('end', onEnd);
		source.on('error', onSourceError);
		if (decoder) {
			stream.on('error', onClientError);
			stream.on('data', onSentData);
		}
		stream.on('close', onClose);
	});
}
