import { compileJsonPath } from '../../../nodes/shared/jsonPath';

const doc = {
	body: { contact: { 'e-mail': 'ada@example.com', tags: ['a', 'b'] }, items: [{ id: 1, ok: true }, { id: 2 }], empty: null },
	headers: { 'x-event': 'lead.created' },
};

describe('compileJsonPath', () => {
	it('walks plain member paths', () => {
		expect(compileJsonPath('$.body.contact["e-mail"]').first(doc)).toBe('ada@example.com');
		expect(compileJsonPath("$.headers['x-event']").first(doc)).toBe('lead.created');
		expect(compileJsonPath('$.body.contact.tags[1]').first(doc)).toBe('b');
		expect(compileJsonPath('$.body.empty').all(doc)).toEqual([null]);
		expect(compileJsonPath('$.body.missing.deeper').all(doc)).toEqual([]);
		expect(compileJsonPath('$').first(doc)).toBe(doc);
	});

	it('never reads inherited properties', () => {
		expect(compileJsonPath('$.body.constructor').first(doc)).toBeUndefined();
		expect(compileJsonPath('$.body.__proto__').first(doc)).toBeUndefined();
	});

	it('evaluates wildcards, recursive descent and filters with the safe evaluator', () => {
		expect(compileJsonPath('$.body.items[*].id').all(doc)).toEqual([1, 2]);
		expect(compileJsonPath('$..id').all(doc)).toEqual([1, 2]);
		expect(compileJsonPath('$.body.items[?(@.ok)].id').all(doc)).toEqual([1]);
		expect(compileJsonPath('$.body.items[?(@.id > 1)].id').first(doc)).toBe(2);
	});

	it('does not run code in filters', () => {
		const path = compileJsonPath('$.body.items[?(@.constructor.constructor("return process")())]');
		expect(path.all(doc)).toEqual([]);
	});

	it('returns the same compiled path for the same text', () => {
		expect(compileJsonPath('$.a.b')).toBe(compileJsonPath(' $.a.b '));
	});

	it('throws with the field name for invalid paths', () => {
		expect(() => compileJsonPath('body.id', 'Event ID')).toThrow('Event ID: "body.id" must start with $');
		expect(() => compileJsonPath('$.items[?(@.id=)]', 'Field Mapping "id"')).toThrow(
			/^Field Mapping "id": "\$\.items\[\?\(@\.id=\)\]" is not a valid JSONPath/,
		);
	});

	it('matches nothing in scalars', () => {
		expect(compileJsonPath('$..id').all('text')).toEqual([]);
		expect(compileJsonPath('$.a').first(null)).toBeUndefined();
	});
});
