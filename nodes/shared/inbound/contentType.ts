/** The body formats the triggers understand. `auto` picks one from the Content-Type header. */
export type BodyKind = 'json' | 'xml' | 'form' | 'text' | 'binary';
export type BodyType = 'auto' | BodyKind;

export interface ContentType {
	/** Lower-case `type/subtype`, '' when the header is missing. */
	mimeType: string;
	/** Lower-case charset parameter, if one was sent. */
	charset?: string;
}

// A sender sends the same Content-Type on every request, so the last one's reading is kept (frozen, as it is shared).
let last: { header: string; contentType: Readonly<ContentType> } | undefined;

/** Parses `type/subtype; charset=…`; parameters other than charset are ignored. */
export function parseContentType(header: string | string[] | undefined): ContentType {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return { mimeType: '' };
	if (last?.header !== value) last = { header: value, contentType: Object.freeze(readContentType(value)) };
	return last.contentType;
}

function readContentType(value: string): ContentType {
	const [mime, ...parameters] = value.split(';');
	const result: ContentType = { mimeType: mime.trim().toLowerCase() };
	for (const parameter of parameters) {
		const separator = parameter.indexOf('=');
		if (separator > 0 && parameter.slice(0, separator).trim().toLowerCase() === 'charset') {
			result.charset = parameter
				.slice(separator + 1)
				.trim()
				.replace(/^"|"$/g, '')
				.toLowerCase();
		}
	}
	return result;
}

const BINARY_TYPES = new Set(['application/octet-stream', 'application/pdf', 'application/zip', 'application/gzip']);

/** The format a Content-Type stands for, or undefined when this package does not parse it. */
export function bodyKindOf(mimeType: string): BodyKind | undefined {
	if (mimeType === 'application/json' || mimeType.endsWith('+json') || mimeType === 'text/json') return 'json';
	if (mimeType.endsWith('/xml') || mimeType.endsWith('+xml')) return 'xml';
	if (mimeType === 'application/x-www-form-urlencoded') return 'form';
	if (mimeType.startsWith('text/')) return 'text';
	if (BINARY_TYPES.has(mimeType) || /^(image|audio|video)\//.test(mimeType)) return 'binary';
	return undefined;
}
