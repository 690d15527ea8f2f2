/** RFC 7230 `token`: the only characters a header name may contain. */
export const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** CR, LF or NUL in a header would end it early and let a value inject further headers. */
export const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/**
 * What Node's http module refuses in a header value with ERR_INVALID_CHAR, thrown only when the
 * header is set: control characters other than tab (line breaks included), and anything beyond Latin-1.
 */
export const INVALID_HEADER_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

export const isHeaderName = (name: string) => HEADER_TOKEN.test(name);

export const isHeaderValue = (value: string) => !INVALID_HEADER_VALUE_CHAR.test(value);

/** A header that may be written as is: a token name and a value Node's http module accepts. */
export const isSafeHeader = (name: string, value: string) => HEADER_TOKEN.test(name) && isHeaderValue(value);

/** Framing and hop-by-hop headers the HTTP client sets itself; set by a user, they break the request. */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
	'host',
	'content-length',
	'transfer-encoding',
	'connection',
	'keep-alive',
	'upgrade',
	'te',
	'trailer',
	'expect',
	'proxy-authorization',
	'proxy-connection',
]);

export const isReservedHeader = (name: string) => RESERVED_HEADER_NAMES.has(name.toLowerCase());

/** The headers that frame an answer's body: set by hand they garble it on the wire (others, such as Connection, are harmless). */
export const isFramingHeader = (name: string) => /^(?:content-length|transfer-encoding)$/i.test(name);
