/** RFC 7230 `token`: the only characters a header name may contain. */
export const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** CR, LF or NUL in a header would end it early and let a value inject further headers. */
export const LINE_BREAK_OR_NUL = /[\r\n\0]/;

export const isHeaderName = (name: string) => HEADER_TOKEN.test(name);

/** A header that may be written as is: a token name and a single-line value. */
export const isSafeHeader = (name: string, value: string) => HEADER_TOKEN.test(name) && !LINE_BREAK_OR_NUL.test(value);
