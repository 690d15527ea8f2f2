import { parseJson as parseJsonBytes } from '../inbound/json';
import { isRejection } from '../inbound/rejection';
import { parseXml } from '../inbound/xml';

export type BodyFormat = 'json' | 'xml' | 'text' | 'binary' | 'empty';

export interface ParsedBody {
	format: BodyFormat;
	/** JSON value, XML as an object, text, or null (empty or binary). */
	body: unknown;
	/** Why the body is shown as text although its content type promised JSON or XML, or why its text may be wrong. */
	parseError?: string;
}

/** Deeper documents are kept as text: walking them later (n8n copies items) could overflow the stack. */
export const MAX_RESPONSE_DEPTH = 100;

const isJsonType = (type: string) => /^application\/(.+\+)?json\b/.test(type) || type === 'text/json';
const isXmlType = (type: string) => /^(application|text)\/(.+\+)?xml\b/.test(type);
const isTextType = (type: string) => type.startsWith('text/') || /^application\/(javascript|x-www-form-urlencoded|ecmascript)\b/.test(type);

/** JSON and XML parsing shared with the triggers: depth-limited, no DTDs, prototype-safe names. */
export function parseStructured(raw: Buffer, text: string, kind: 'json' | 'xml'): { value?: unknown; error?: string } {
	const parsed = kind === 'json' ? parseJsonBytes(raw, text, MAX_RESPONSE_DEPTH) : parseXml(text, MAX_RESPONSE_DEPTH);
	return isRejection(parsed) ? { error: parsed.message } : { value: parsed.value };
}

export interface DecodedBody {
	text: string;
	/** Set when the body names a charset this runtime cannot decode; the text is then read as UTF-8. */
	charsetProblem?: string;
}

const UTF8 = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);
const XML_DECLARED_ENCODING = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/;

/**
 * The body's text in its own charset: the Content-Type's charset, else the encoding an XML
 * declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`), else UTF-8. Reading a
 * Latin-1 answer as UTF-8 would silently turn "Zoë" into "Zo\uFFFD" in the output and in captures.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined): DecodedBody {
	const fromHeader = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
	const charset = (fromHeader ?? XML_DECLARED_ENCODING.exec(raw.subarray(0, 256).toString('latin1'))?.[1] ?? 'utf-8').toLowerCase();
	if (UTF8.has(charset)) return { text: raw.toString('utf8') };
	try {
		return { text: new TextDecoder(charset).decode(raw) };
	} catch {
		return {
			text: raw.toString('utf8'),
			charsetProblem: `the charset "${charset.slice(0, 40)}" is not supported, so the body was read as UTF-8`,
		};
	}
}

/**
 * The response body as the output item shows it, chosen by Content-Type (and sniffed when there is
 * none). A cut body is never parsed as JSON or XML: it is kept as text and says so. `cut`: true when the
 * size limit cut it, or why it ended early (the transport's `incomplete`).
 */
export function parseResponseBody(
	raw: Buffer,
	contentType: string | undefined,
	cut: boolean | string,
	decoded: DecodedBody = decodeBody(raw, contentType),
): ParsedBody {
	if (raw.length === 0) return { format: 'empty', body: null };
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const { text, charsetProblem } = decoded;
	const charsetNote = charsetProblem ? { parseError: charsetProblem } : {};
	const looksLike = type === '' ? sniff(text) : undefined;
	const wantsJson = isJsonType(type) || looksLike === 'json';
	const wantsXml = isXmlType(type) || looksLike === 'xml';
	if (wantsJson || wantsXml) {
		if (cut) {
			const why = cut === true ? 'was cut at the size limit' : `is incomplete (${cut})`;
			return { format: 'text', body: text, parseError: `the body ${why} and is shown as text` };
		}
		const parsed = parseStructured(raw, text, wantsJson ? 'json' : 'xml');
		if (parsed.error === undefined) return { format: wantsJson ? 'json' : 'xml', body: parsed.value, ...charsetNote };
		return { format: 'text', body: text, ...(type ? { parseError: parsed.error } : charsetNote) };
	}
	if (isTextType(type) || (type === '' && !text.includes('\uFFFD'))) return { format: 'text', body: text, ...charsetNote };
	return { format: 'binary', body: null };
}

function sniff(text: string): 'json' | 'xml' | undefined {
	const start = text.trimStart()[0];
	if (start === '{' || start === '[') return 'json';
	if (start === '<') return 'xml';
	return undefined;
}
