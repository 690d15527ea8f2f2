import { compileFieldMapping, mapFields, splitBodies } from '../../../../nodes/shared/inbound/fieldMapping';

const scope = {
	body: { contact: { email: 'ada@example.com' }, events: [{ id: 'e1' }, { id: 'e2' }] },
	headers: { 'x-source': 'crm' },
	query: { list: '7' },
};

describe('field mapping', () => {
	it('maps fields from body, headers and query', () => {
		const mapping = compileFieldMapping({
			fields: [
				{ name: 'email', path: '$.body.contact.email' },
				{ name: 'source', path: "$.headers['x-source']" },
				{ name: 'list', path: '$.query.list' },
				{ name: 'missing', path: '$.body.nope' },
				{ name: 'eventIds', path: '$.body.events[*].id' },
			],
		});
		expect(mapFields(mapping, scope).fields).toEqual({
			email: 'ada@example.com',
			source: 'crm',
			list: '7',
			missing: null,
			eventIds: ['e1', 'e2'],
		});
	});

	it('lists the paths that matched nothing, a plain path or a wildcard, but not one that matched a null value', () => {
		const mapping = compileFieldMapping({
			fields: [
				{ name: 'email', path: '$.body.contact.email' },
				{ name: 'typo', path: '$.body.contakt.email' },
				{ name: 'noEvents', path: '$.body.missing[*].id' },
				{ name: 'empty', path: '$.body.nothing' },
				{ name: 'withoutPrefix', path: '$.contact.email' },
			],
		});
		const { fields, unmatched } = mapFields(mapping, { ...scope, body: { ...scope.body, nothing: null } });
		expect(fields).toMatchObject({ typo: null, noEvents: [], empty: null, withoutPrefix: null });
		expect(unmatched).toEqual([
			{ field: 'typo', path: '$.body.contakt.email' },
			{ field: 'noEvents', path: '$.body.missing[*].id' },
			{ field: 'withoutPrefix', path: '$.contact.email' },
		]);
	});

	it('splits an array into one body per element, a lone object into one body, else keeps the body whole', () => {
		expect(splitBodies(compileFieldMapping({ splitPath: '$.body.events' }), scope)).toEqual([{ id: 'e1' }, { id: 'e2' }]);
		// XML gives a lone <event> as an object: one body, the event, as two would give two.
		expect(splitBodies(compileFieldMapping({ splitPath: '$.body.contact' }), scope)).toEqual([scope.body.contact]);
		expect(splitBodies(compileFieldMapping({ splitPath: '$.body.events' }), { ...scope, body: { events: [] } })).toEqual([]);
		expect(splitBodies(compileFieldMapping({ splitPath: '$.body.nothing' }), scope)).toEqual([scope.body]);
		expect(splitBodies(compileFieldMapping({ splitPath: '$.body.list' }), { ...scope, body: { list: 'a' } })).toEqual([{ list: 'a' }]);
		expect(splitBodies(compileFieldMapping({}), scope)).toEqual([scope.body]);
		expect(splitBodies(compileFieldMapping({ splitPath: '$.body' }), { ...scope, body: [1, 2, 3] })).toEqual([1, 2, 3]);
	});

	it('reads a plain path whose bracketed keys hold a colon or a comma as one value, not a list', () => {
		const soap = { 'soapenv:envelope': { 'soapenv:body': { notification: { id: 'N1' } } }, 'a,b': 'v' };
		const mapping = compileFieldMapping({
			fields: [
				{ name: 'id', path: "$.body['soapenv:envelope']['soapenv:body'].notification.id" },
				{ name: 'comma', path: "$.body['a,b']" },
				{ name: 'wildcard', path: "$.body['soapenv:envelope']['soapenv:body'].*" },
			],
		});
		expect(mapFields(mapping, { ...scope, body: soap }).fields).toEqual({ id: 'N1', comma: 'v', wildcard: [{ id: 'N1' }] });
	});

	it('names the problem field', () => {
		expect(() => compileFieldMapping({ fields: [{ name: '', path: '$.a' }] })).toThrow('Field Mapping: a field has no name');
		expect(() =>
			compileFieldMapping({
				fields: [
					{ name: 'a', path: '$.a' },
					{ name: 'a', path: '$.b' },
				],
			}),
		).toThrow('the field "a" is mapped twice');
		expect(() => compileFieldMapping({ fields: [{ name: 'email', path: 'body.email' }] })).toThrow(
			'Field Mapping "email": "body.email" must start with $',
		);
		expect(() => compileFieldMapping({ fields: [{ name: '__proto__', path: '$.a' }] })).toThrow('cannot be used');
		expect(() => compileFieldMapping({ splitPath: 'events' })).toThrow('Split Path');
	});
});
