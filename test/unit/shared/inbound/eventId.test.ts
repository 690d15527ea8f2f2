import { compileEventIdReader } from '../../../../nodes/shared/inbound/eventId';
import * as exactIntegers from '../../../../nodes/shared/inbound/exactIntegers';

describe('event id', () => {
	it('reads a header, case-insensitively', () => {
		const read = compileEventIdReader({ from: 'header', name: 'X-Event-Id' });
		expect(read({ headers: { 'x-event-id': ' evt_1 ' }, body: {} })).toBe('evt_1');
		expect(read({ headers: { 'x-event-id': ['evt_2', 'evt_3'] }, body: {} })).toBe('evt_2');
		expect(read({ headers: {}, body: {} })).toBeUndefined();
	});

	it('reads a JSONPath over the body; numbers become text', () => {
		const read = compileEventIdReader({ from: 'jsonPath', path: '$.event.id' });
		expect(read({ headers: {}, body: { event: { id: 42 } } })).toBe('42');
		expect(read({ headers: {}, body: { event: { id: { nested: 1 } } } })).toBeUndefined();
		expect(read({ headers: {}, body: { event: { id: '' } } })).toBeUndefined();
	});

	describe('a numeric id beyond 2^53', () => {
		const read = (path: string, text: string) =>
			compileEventIdReader({ from: 'jsonPath', path })({ headers: {}, body: JSON.parse(text), jsonBytes: Buffer.from(text) });

		it('is the digits sent, so two ids JSON.parse rounds to one number stay two', () => {
			expect(read('$.id', '{"id":1234567890123456789,"amount":1}')).toBe('1234567890123456789');
			expect(read('$.id', '{"id":1234567890123456790,"amount":999}')).toBe('1234567890123456790');
			expect(read('$.id', '{"id":-1234567890123456789}')).toBe('-1234567890123456789');
		});

		it('is found at nested paths, in arrays and through filters', () => {
			const text = '{"note":"1234567890123456789","event":{"id":1234567890123456791},"items":[{"kind":"a","id":1234567890123456793}]}';
			expect(read('$.event.id', text)).toBe('1234567890123456791');
			expect(read('$.items[0].id', text)).toBe('1234567890123456793');
			expect(read("$.items[?(@.kind=='a')].id", text)).toBe('1234567890123456793');
		});

		it('keeps the number’s text without JSON text to read (XML, form) or for an exponent', () => {
			const read = compileEventIdReader({ from: 'jsonPath', path: '$.id' });
			expect(read({ headers: {}, body: JSON.parse('{"id":1234567890123456789}') })).toBe('1234567890123456800');
			expect(read({ headers: {}, body: { id: 1e21 }, jsonBytes: Buffer.from('{"id":1e21}') })).toBe('1e+21');
		});

		it('reads the JSON text again only for such an id', () => {
			const reread = jest.spyOn(exactIntegers, 'exactJson');
			const read = compileEventIdReader({ from: 'jsonPath', path: '$.id' });
			for (const id of [42, 'evt_1', 1.5, 9007199254740991]) read({ headers: {}, body: { id }, jsonBytes: Buffer.from('{}') });
			expect(reread).not.toHaveBeenCalled();
			read({ headers: {}, body: { id: 2 ** 60 }, jsonBytes: Buffer.from('{"id":1152921504606846976}') });
			expect(reread).toHaveBeenCalledTimes(1);
			reread.mockRestore();
		});
	});

	it('names the setting when it is unusable', () => {
		expect(() => compileEventIdReader({ from: 'header', name: 'bad header' }, 'Event ID Header')).toThrow(
			'Event ID Header: "bad header" is not a valid header name',
		);
		expect(() => compileEventIdReader({ from: 'jsonPath', path: 'id' }, 'Event ID Path')).toThrow('Event ID Path');
	});
});
