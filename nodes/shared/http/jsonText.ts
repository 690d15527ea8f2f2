export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * Text that holds a JSON object or array, parsed; undefined for anything else (plain text, a bare
 * word or number, broken JSON). The one rule for "JSON or text": answer bodies typed into a node's
 * settings, and request bodies a CRM labels text/plain.
 */
export function parseJsonText(text: string): { value: unknown } | undefined {
	const trimmed = text.trim();
	if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
	try {
		return { value: JSON.parse(trimmed) as unknown };
	} catch {
		return undefined;
	}
}

/**
 * An answer's body and content type: a value is sent as JSON; text is sent as JSON (as typed, trimmed)
 * when it holds a JSON object or array, otherwise as plain text. Blank text is an empty body.
 */
export function answerContent(body: unknown): { contentType: string; body: string } {
	if (typeof body !== 'string') return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(body) };
	const text = body.trim();
	if (text === '') return { contentType: TEXT_CONTENT_TYPE, body: '' };
	return parseJsonText(text) ? { contentType: JSON_CONTENT_TYPE, body: text } : { contentType: TEXT_CONTENT_TYPE, body };
}
