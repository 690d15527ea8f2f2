/** The HTTP methods the nodes offer, in the alphabetical order n8n's editor lists options in. */
export const HTTP_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'] as const;

export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The methods as n8n parameter options. */
export const HTTP_METHOD_OPTIONS = HTTP_METHODS.map((method) => ({ name: method, value: method }));
