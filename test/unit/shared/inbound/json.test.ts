import { jsonHasDuplicateKeys, jsonNestsDeeperThan, parseJson } from '../../../../nodes/shared/inbound/json';

const parse = (text: string, maxDepth = 1000) => parseJson(Buffer.from(text), text, maxDepth);

describe('JSON', () => {
	it('parses objects, arrays and scalars', () => {
		expect(parse('{"a":[1,{"b":null}]}')).toEqual({ value: { a: [1, { b: null }] } });
		expect(parse('42')).toEqual({ value: 42 });
		expect(parse('\ufeff{"bom":true}')).toEqual({ value: { bom: true } });
	});

	it('reports malformed JSON by position, without quoting the body', () => {
		const result = parse('{"secret":"hunter2",}');
		expect(result).toMatchObject({ status: 400, code: 'malformed_body' });
		expect(JSON.stringify(result)).not.toContain('hunter2');
		expect((result as { message: string }).message).toMatch(/^Malformed JSON/);
	});

	it('counts depth outside strings only, and skips escaped quotes', () => {
		expect(jsonNestsDeeperThan(Buffer.from('[[["[[[[[[[["]]]'), 3)).toBe(false);
		expect(jsonNestsDeeperThan(Buffer.from('{"a\\"[[[[":[[[1]]]}'), 4)).toBe(false);
		expect(jsonNestsDeeperThan(Buffer.from('[[[[1]]]]'), 3)).toBe(true);
	});

	it('settles a body with fewer brackets than the limit by counting, and scans one with more, whatever the byte view', () => {
		// Four brackets, three deep: counting settles a limit of 4, the scan a limit of 3 and 2.
		const body = '{"a":[1,2],"b":{"c":[3]}}';
		expect(jsonNestsDeeperThan(Buffer.from(body), 4)).toBe(false);
		expect(jsonNestsDeeperThan(Buffer.from(body), 3)).toBe(false);
		expect(jsonNestsDeeperThan(Buffer.from(body), 2)).toBe(true);
		expect(jsonNestsDeeperThan(new TextEncoder().encode('[[[1]]]'), 2)).toBe(true);
		expect(jsonNestsDeeperThan(new TextEncoder().encode('[[[1]]]'), 3)).toBe(false);
	});

	it('refuses 10,000 levels of nesting without touching the stack', () => {
		const deep = '['.repeat(10_000) + ']'.repeat(10_000);
		expect(parse(deep)).toMatchObject({ status: 400, message: 'JSON nests deeper than 1000 levels' });
		expect(parse('['.repeat(1000) + ']'.repeat(1000))).toHaveProperty('value');
	});

	it('keeps a parsed body that looks like a rejection as data', () => {
		const result = parse('{"rejected":true,"status":200,"code":"x","message":"y"}');
		expect(result).toEqual({ value: { rejected: true, status: 200, code: 'x', message: 'y' } });
	});
});

describe('jsonHasDuplicateKeys', () => {
	it.each([
		['{"a":1,"a":2}', true],
		['{"a":1,"b":{"a":2}}', false],
		['{"a":{"b":1,"b":2}}', true],
		['[{"a":1},{"a":2}]', false],
		['{"a":"\\u0062","b":1}', false],
		['{"a":1,"\\u0061":2}', true],
		['{ "a" : [ "a", "a" ] , "b" : "a" }', false],
		['{"k":"x\\"y","k\\"":1,"k":2}', true],
		['{"":1,"":2}', true],
		['{}', false],
		['"a"', false],
	])('%s → %s', (text, expected) => {
		expect(jsonHasDuplicateKeys(text)).toBe(expected);
	});
});
