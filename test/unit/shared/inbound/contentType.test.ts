import { bodyKindOf, parseContentType } from '../../../../nodes/shared/inbound/contentType';

describe('content types', () => {
	it('parses the media type and charset', () => {
		expect(parseContentType('Application/JSON; Charset="UTF-8"')).toEqual({ mimeType: 'application/json', charset: 'utf-8' });
		expect(parseContentType('text/plain;boundary=x')).toEqual({ mimeType: 'text/plain' });
		expect(parseContentType(undefined)).toEqual({ mimeType: '' });
		expect(parseContentType(['text/xml', 'text/plain'])).toEqual({ mimeType: 'text/xml' });
	});

	it.each([
		['application/json', 'json'],
		['application/vnd.api+json', 'json'],
		['application/xml', 'xml'],
		['text/xml', 'xml'],
		['application/soap+xml', 'xml'],
		['application/x-www-form-urlencoded', 'form'],
		['text/plain', 'text'],
		['text/csv', 'text'],
		['application/octet-stream', 'binary'],
		['image/png', 'binary'],
		['application/pdf', 'binary'],
		['multipart/form-data', undefined],
		['application/x-unknown', undefined],
		['', undefined],
	])('%s → %s', (mime, kind) => {
		expect(bodyKindOf(mime)).toBe(kind);
	});
});
