import { parseJson as parseJsonBytes } from '../inbound/json';
import { isRejection } from '../inbound/rejection';
import { parseXml } from '../inbound/xml';

export type BodyFormat = 'json' | 'xml' | 'text' | 'binary' | 'empty';

export interface ParsedBody {
	format: BodyFormat;
	/** JSON value, XML as an object, text, or null (empty or binary). */
	body: unknown;
	/** Why the body is shown as text although its content type promised JSON or XML. */
	parseError?: string;
}

/** Deeper documents are kept as text: walking them later (n8n copies items) could overflow the stack. */
export const MAX_RESPONSE_DEPTH = 100;

const isJsonType = (type: string) => /^application\/(.+\+)?json\b/.test(type) || type === 'text/json';
const isXmlType = (type: string) => /^(application|text)\/(.+\+)?xml\b/.test(type);
const isTextType = (type: string) =>
	type.startsWith('text/') || /^application\/(javascript|x-www-form-urlencoded|ecmascript)\b/.test(type);

/** JSON and XML parsing shared with the triggers: depth-limited, no DTDs, prototype-safe names. */
export function parseStructured(raw: Buffer, text: string, kind: 'json' | 'xml'): { value?: unknown; error?: string } {
	const parsed = kind === 'json' ? parseJsonBytes(raw, text, MAX_RESPONSE_DEPTH) : parseXml(text, MAX_RESPONSE_DEPTH);
	return isRejection(parsed) ? { error: parsed.message } : { value: parsed.value };
}

/**
 * The response body as the output item shows it, chosen by Content-Type (and sniffed when there is
 * none). A truncated body is never parsed as JSON or XML: it is kept as text and says so.
 */
export function parseResponseBody(raw: Buffer, contentType: string | undefined, truncated: boolean): ParsedBody {
	if (raw.length === 0) return { format: 'empty', body: null };
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const text = raw.toString('utf8');
	const looksLike = type === '' ? sniff(text) : undefined;
	const wantsJson = isJsonType(type) || looksLike === 'json';
	const wantsXml = isXmlType(type) || looksLike === 'xml';
	if (wantsJson || wantsXml) {
		if (truncated) return { format: 'text', body: text, parseError: 'the body was cut at the size limit and is shown as text' };
		const parsed = parseStructured(raw, text, wantsJson ? 'json' : 'xml');
		if (parsed.error === undefined) return { format: wantsJson ? 'json' : 'xml', body: parsed.value };
		return { format: 'text', body: text, ...(type ? { parseError: parsed.error } : {}) };
	}
	if (isTextType(type) || (type === '' && !text.includes('\uFFFD'))) return { format: 'text', body: text };
	return { format: 'binary', body: null };
}

function sniff(text: string): 'json' | 'xml' | undefined {
	const start = text.trimStart()[0];
	if (start === '{' || start === '[') return 'json';
	if (start === '<') return 'xml';
	return undefined;
}
