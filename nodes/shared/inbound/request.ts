import type { IncomingMessage } from 'node:http';

import type { HeaderBag } from '../signatures/types';

/**
 * The request's headers with every repeated header as an array. Node joins most repeated headers
 * into one comma-separated string, which would hide a second, smuggled signature header; the
 * verifiers refuse arrays (singleHeader), so the duplicate is caught.
 */
export function headerBagOf(request: Pick<IncomingMessage, 'headers'> & Partial<Pick<IncomingMessage, 'headersDistinct'>>): HeaderBag {
	const distinct = request.headersDistinct;
	if (!distinct) return request.headers;
	const headers: HeaderBag = {};
	for (const [name, values] of Object.entries(distinct)) {
		// Assigned on a plain object, a header named __proto__ would replace the bag's prototype.
		if (values && name !== '__proto__') headers[name] = values.length === 1 ? values[0] : values;
	}
	return headers;
}
