import { compileEventIdReader } from '../../../../nodes/shared/inbound/eventId';

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

	it('names the setting when it is unusable', () => {
		expect(() => compileEventIdReader({ from: 'header', name: 'bad header' }, 'Event ID Header')).toThrow(
			'Event ID Header: "bad header" is not a valid header name',
		);
		expect(() => compileEventIdReader({ from: 'jsonPath', path: 'id' }, 'Event ID Path')).toThrow('Event ID Path');
	});
});
