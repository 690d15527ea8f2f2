import { decodeBody, parseResponseBody } from '../../../../nodes/shared/outbound/responseBody';
import { xmlSafetyProblem } from '../../../../nodes/shared/xmlSafety';

const parse = (text: string | Buffer, type?: string, truncated = false) =>
	parseResponseBody(Buffer.isBuffer(text) ? text : Buffer.from(text), type, truncated);

describe('parseResponseBody', () => {
	it('parses JSON by content type, +json included', () => {
		expect(parse('{"a":1}', 'application/json; charset=utf-8')).toEqual({ format: 'json', body: { a: 1 } });
		expect(parse('{"a":1}', 'application/problem+json')).toEqual({ format: 'json', body: { a: 1 } });
	});

	it('parses XML into an object as n8n does', () => {
		expect(parse('<Result><Id>7</Id></Result>', 'text/xml')).toEqual({ format: 'xml', body: { result: { id: '7' } } });
	});

	it('keeps text, and sniffs JSON and XML when there is no content type', () => {
		expect(parse('OK', 'text/plain')).toEqual({ format: 'text', body: 'OK' });
		expect(parse('[1]', undefined)).toEqual({ format: 'json', body: [1] });
		expect(parse('<a>1</a>', undefined)).toEqual({ format: 'xml', body: { a: '1' } });
		expect(parse('{not json', undefined)).toEqual({ format: 'text', body: '{not json' });
	});

	it('keeps malformed or truncated JSON and XML as text and says why', () => {
		expect(parse('{"a":', 'application/json')).toMatchObject({ format: 'text', body: '{"a":', parseError: expect.stringMatching(/JSON/) });
		expect(parse('{"a":1}', 'application/json', true)).toMatchObject({ format: 'text', parseError: expect.stringMatching(/size limit/) });
		expect(parse('<!DOCTYPE x><x/>', 'application/xml')).toMatchObject({ format: 'text', parseError: expect.stringMatching(/DOCTYPE/) });
	});

	it('refuses deeply nested documents', () => {
		const deep = '['.repeat(5000) + ']'.repeat(5000);
		expect(parse(deep, 'application/json')).toMatchObject({ format: 'text', parseError: expect.stringMatching(/deeper/) });
	});

	it('reads a body in the charset its Content-Type or XML declaration names, not always as UTF-8', () => {
		const latin1 = (text: string) => Buffer.from(text, 'latin1');
		const declared = latin1('<?xml version="1.0" encoding="ISO-8859-1"?><contact><name>Zoë Müller</name></contact>');
		expect(parse(declared, 'application/xml')).toEqual({ format: 'xml', body: { contact: { name: 'Zoë Müller' } } });
		expect(parse(latin1('<c><n>Köln</n></c>'), 'text/xml; charset=ISO-8859-1')).toEqual({ format: 'xml', body: { c: { n: 'Köln' } } });
		expect(parse(latin1('{"city":"Köln"}'), 'application/json; charset="windows-1252"')).toEqual({
			format: 'json',
			body: { city: 'Köln' },
		});
		expect(parse(latin1('Grüße'), 'text/plain; charset=latin1')).toEqual({ format: 'text', body: 'Grüße' });
		// The header wins over the declaration, and UTF-8 stays the default.
		expect(decodeBody(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>'), 'text/xml; charset=utf-8').text).toBe(
			'<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>',
		);
		expect(decodeBody(Buffer.from('{"a":"é"}'), 'application/json').text).toBe('{"a":"é"}');
	});

	it('says so when a charset is unknown, and reads the body as UTF-8', () => {
		expect(decodeBody(Buffer.from('ok'), 'text/plain; charset=x-klingon')).toEqual({
			text: 'ok',
			charsetProblem: 'the charset "x-klingon" is not supported, so the body was read as UTF-8',
		});
		expect(parse('{"a":1}', 'application/json; charset=x-klingon')).toMatchObject({
			format: 'json',
			body: { a: 1 },
			parseError: expect.stringMatching(/x-klingon/),
		});
	});

	it('leaves binary and empty bodies out', () => {
		expect(parse(Buffer.from([0xff, 0xd8, 0xff, 0x00]), 'image/jpeg')).toEqual({ format: 'binary', body: null });
		expect(parse('', 'application/json')).toEqual({ format: 'empty', body: null });
	});
});

describe('xmlSafetyProblem', () => {
	it('accepts plain XML and refuses declarations and depth', () => {
		expect(xmlSafetyProblem('<a><b/><c>x</c></a>')).toBeUndefined();
		expect(xmlSafetyProblem('<!ENTITY x "y"><a/>')).toMatch(/DOCTYPE or ENTITY/);
		expect(xmlSafetyProblem('<!doctype html><a/>')).toMatch(/DOCTYPE/);
		expect(xmlSafetyProblem('<a>'.repeat(101) + '</a>'.repeat(101))).toMatch(/deeper than 100/);
		expect(xmlSafetyProblem('<a/>'.repeat(500))).toBeUndefined();
	});
});
