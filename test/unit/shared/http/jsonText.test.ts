import { answerContent, JSON_CONTENT_TYPE, parseJsonText, TEXT_CONTENT_TYPE } from '../../../../nodes/shared/http/jsonText';

describe('parseJsonText', () => {
	it('parses text that holds a JSON object or array, around white space', () => {
		expect(parseJsonText(' {"ok":true}\n')).toEqual({ value: { ok: true } });
		expect(parseJsonText('[1,2]')).toEqual({ value: [1, 2] });
	});

	it('leaves plain text, bare JSON scalars and broken JSON as text', () => {
		expect(parseJsonText('queued')).toBeUndefined();
		expect(parseJsonText('42')).toBeUndefined();
		expect(parseJsonText('"ok"')).toBeUndefined();
		expect(parseJsonText('{"ok":')).toBeUndefined();
		expect(parseJsonText('')).toBeUndefined();
	});
});

describe('answerContent', () => {
	it('sends a value as JSON', () => {
		expect(answerContent({ received: true })).toEqual({ contentType: JSON_CONTENT_TYPE, body: '{"received":true}' });
	});

	it('sends text holding a JSON object as typed (trimmed), with the JSON type', () => {
		expect(answerContent(' { "ok": true } ')).toEqual({ contentType: JSON_CONTENT_TYPE, body: '{ "ok": true }' });
	});

	it('sends other text as plain text, and blank text as an empty body', () => {
		expect(answerContent('queued ')).toEqual({ contentType: TEXT_CONTENT_TYPE, body: 'queued ' });
		expect(answerContent('{ not json')).toEqual({ contentType: TEXT_CONTENT_TYPE, body: '{ not json' });
		expect(answerContent('  ')).toEqual({ contentType: TEXT_CONTENT_TYPE, body: '' });
	});
});
