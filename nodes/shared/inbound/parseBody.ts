import { isUtf8 } from 'node:buffer';

import type { BodyKind, BodyType, ContentType } from './contentType';
import { bodyKindOf } from './contentType';
import { parseForm } from './form';
import { parseJson } from './json';
import type { Parsed, Rejection } from './rejection';
import { reject } from './rejection';
import { decodeWindows1252 } from './windows1252';
import { parseXml } from './xml';
import { DEFAULT_MAX_XML_ELEMENTS } from './xmlTree';

export interface ParseLimits {
	/** Deepest nesting accepted in JSON and XML. */
	maxDepth: number;
	/** Most fields accepted in a form body. */
	maxFormFields: number;
	/** Most elements accepted in an XML body; attributes and text nodes are limited in proportion. */
	maxXmlElements: number;
	/** Not a limit but how XML is read: tag names as sent instead of lower-cased (Salesforce's field names). */
	keepXmlTagCase?: boolean;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDepth: 1000, maxFormFields: 1000, maxXmlElements: DEFAULT_MAX_XML_ELEMENTS };

/** How a sender's user gets past an XML count limit: both triggers offer the option. */
const XML_LIMIT_ADVICE = "raise the trigger's Max XML Elements option or send smaller batches";

const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
// The Encoding Standard's common labels for windows-1252.
const LATIN1_CHARSETS = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'windows-1252', 'cp1252', 'x-cp1252']);

/**
 * Which format to parse: the override when one is set, otherwise the Content-Type's. An empty body
 * needs no type. An unknown or missing type is refused with 415 and a hint at the override.
 */
export function resolveBodyKind(contentType: ContentType, override: BodyType, bodyLength: number): BodyKind | Rejection {
	if (override !== 'auto') return override;
	const kind = bodyKindOf(contentType.mimeType);
	if (kind) return kind;
	if (bodyLength === 0) return 'json';
	const sent = contentType.mimeType ? `Content-Type ${contentType.mimeType.slice(0, 80)} is` : 'A body without Content-Type is';
	return reject(
		415,
		'unsupported_media_type',
		`${sent} not accepted; send JSON, XML, form-urlencoded, text or binary, or set the node's Body Type`,
	);
}

/**
 * Decodes text bodies: UTF-8 (checked byte by byte; invalid sequences are refused) or Latin-1 as windows-1252. A JSON, XML or form
 * body that is valid UTF-8 is read as UTF-8 even when it says Latin-1: the charset is not signed, and a resend
 * declaring Latin-1 would otherwise change a non-ASCII event id and so pass dedupe (JSON is UTF-8 anyway, RFC 8259).
 */
function decodeText(bytes: Buffer, charset: string | undefined, structured: boolean): string | Rejection {
	if (charset === undefined || UTF8_CHARSETS.has(charset)) {
		return isUtf8(bytes) ? bytes.toString('utf8') : reject(400, 'malformed_body', NOT_UTF8);
	}
	if (LATIN1_CHARSETS.has(charset)) return structured && isUtf8(bytes) ? bytes.toString('utf8') : decodeWindows1252(bytes);
	return reject(415, 'unsupported_media_type', `Charset ${charset.slice(0, 40)} is not supported; use UTF-8`);
}

const NOT_UTF8 = 'Body is not valid UTF-8; send its charset in Content-Type (for example charset=ISO-8859-1)';

/**
 * A Latin-1 encoding an XML body's declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`): it applies when
 * Content-Type gives no charset (RFC 7303). Any other declared encoding is read as before, as UTF-8 (most bodies
 * declaring ISO-8859-15 or windows-1250 are plain ASCII). Only the first 200 bytes are read.
 */
function xmlDeclaredLatin1(bytes: Buffer): string | undefined {
	const start = bytes.subarray(0, 200).toString('latin1');
	const declared = /^(?:\u00ef\u00bb\u00bf)?\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(start)?.[1].toLowerCase();
	return declared !== undefined && LATIN1_CHARSETS.has(declared) ? declared : undefined;
}

const EMPTY: Record<BodyKind, () => unknown> = {
	json: () => ({}),
	xml: () => ({}),
	form: () => ({}),
	text: () => '',
	binary: () => Buffer.alloc(0),
};

/** Parses raw bytes as `kind`. Binary bodies come back as the same Buffer. */
export function parseBody(bytes: Buffer, kind: BodyKind, contentType: ContentType, limits: ParseLimits): Parsed {
	if (bytes.length === 0) return { value: EMPTY[kind]() };
	if (kind === 'binary') return { value: bytes };
	const charset = contentType.charset ?? (kind === 'xml' ? xmlDeclaredLatin1(bytes) : undefined);
	const text = decodeText(bytes, charset, kind !== 'text');
	if (typeof text !== 'string') return text;
	switch (kind) {
		case 'json':
			return parseJson(bytes, text, limits.maxDepth);
		case 'xml':
			return parseXml(text, limits.maxDepth, limits.maxXmlElements, { limitAdvice: XML_LIMIT_ADVICE, keepTagCase: limits.keepXmlTagCase });
		case 'form':
			return parseForm(bytes, text, limits.maxFormFields, true);
		case 'text':
			return { value: text };
	}
}
