import { compileCapture, runCapture } from '../../../../nodes/shared/outbound/capture';

const json = JSON.stringify({
	data: {
		id: 'inv_1',
		lines: [
			{ sku: 'a', qty: 1 },
			{ sku: 'b', qty: 3 },
		],
	},
	ok: true,
});
const xml = '<?xml version="1.0"?><invoice id="42"><status>paid</status><line sku="a"/><line sku="b"/><note>x &amp; y</note></invoice>';

describe('JSONPath capture', () => {
	const spec = compileCapture(
		'jsonPath',
		[
			{ name: 'invoiceId', expression: '$.data.id' },
			{ name: 'skus', expression: '$.data.lines[*].sku', all: true },
			{ name: 'firstBig', expression: '$.data.lines[?(@.qty > 2)].sku' },
			{ name: 'missing', expression: '$.data.nope' },
			{ name: 'missingAll', expression: '$.nope[*]', all: true },
		],
		'Capture On Success',
	);

	it('captures first or all matches and says which names matched nothing', () => {
		expect(runCapture(spec, json)).toEqual({
			values: { invoiceId: 'inv_1', skus: ['a', 'b'], firstBig: 'b', missing: null, missingAll: [] },
			unmatched: ['missing', 'missingAll'],
		});
	});

	it('explains a response that is not JSON', () => {
		expect(runCapture(spec, '<html>oops</html>')).toMatchObject({
			error: 'the response is not JSON, so JSONPath cannot run',
			values: { invoiceId: null, skus: [] },
		});
	});

	it('never runs code from a filter', () => {
		const hostile = compileCapture(
			'jsonPath',
			[{ name: 'x', expression: "$[?(@.constructor.constructor('return process')().exit())]" }],
			'Capture',
		);
		expect(runCapture(hostile, json).values).toEqual({ x: null });
	});

	it('refuses invalid expressions and duplicate or empty names up front', () => {
		expect(() => compileCapture('jsonPath', [{ name: 'a', expression: 'data.id' }], 'Capture On Success')).toThrow(
			/Capture On Success "a": .*must start with \$/,
		);
		expect(() =>
			compileCapture(
				'jsonPath',
				[
					{ name: 'a', expression: '$.a' },
					{ name: 'a', expression: '$.b' },
				],
				'Capture',
			),
		).toThrow(/twice/);
		expect(() => compileCapture('jsonPath', [{ name: ' ', expression: '$.a' }], 'Capture')).toThrow(/without a name/);
	});

	it('refuses names that would set or shadow the prototype of `captured`', () => {
		for (const name of ['__proto__', 'constructor', 'prototype']) {
			expect(() => compileCapture('jsonPath', [{ name, expression: '$.a' }], 'Capture On Success')).toThrow(
				`Capture On Success cannot use the name "${name}"`,
			);
		}
	});
});

describe('XPath capture', () => {
	const spec = compileCapture(
		'xPath',
		[
			{ name: 'id', expression: '/invoice/@id' },
			{ name: 'status', expression: '//status' },
			{ name: 'skus', expression: '//line/@sku', all: true },
			{ name: 'lines', expression: 'count(//line)' },
			{ name: 'note', expression: 'string(//note)' },
			{ name: 'none', expression: '//nothing' },
		],
		'Capture On Success',
	);

	it('captures attributes, text, numbers and strings', () => {
		expect(runCapture(spec, xml)).toEqual({
			values: { id: '42', status: 'paid', skus: ['a', 'b'], lines: 2, note: 'x & y', none: null },
			unmatched: ['none'],
		});
	});

	it('refuses DOCTYPE and entity declarations (XXE, billion laughs)', () => {
		const evil = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><invoice>&x;</invoice>';
		expect(runCapture(spec, evil).error).toMatch(/DOCTYPE or ENTITY/);
	});

	it('explains a response that is not XML', () => {
		expect(runCapture(spec, '{"a":1}').error).toBe('the response is not XML, so XPath cannot run');
	});

	it('does not search an XML answer over 1 MB (XPath would hold n8n’s main thread), and says why', () => {
		const spec = compileCapture('xPath', [{ name: 'id', expression: '/r/id' }], 'Capture');
		const big = `<r><id>1</id>${'<pad>x</pad>'.repeat(90_000)}</r>`;
		expect(runCapture(spec, big)).toEqual({
			values: { id: null },
			unmatched: ['id'],
			error: `XPath runs on answers up to 1,024 KB and this one is ${Math.ceil(big.length / 1024)} KB; capture with JSONPath or ask for a smaller answer`,
		});
		expect(runCapture(spec, `<r><id>1</id>${'<pad>x</pad>'.repeat(80_000)}</r>`).values).toEqual({ id: '1' });
	});

	it('refuses an invalid XPath up front', () => {
		expect(() => compileCapture('xPath', [{ name: 'a', expression: '//a[' }], 'Capture On Failure')).toThrow(
			/Capture On Failure "a": "\/\/a\[" is not a valid XPath/,
		);
		expect(() => compileCapture('xPath', [{ name: 'a', expression: ' ' }], 'Capture')).toThrow(/empty/);
	});

	it('refuses variables and functions outside XPath 1.0 up front, even inside predicates that never ran', () => {
		expect(() => compileCapture('xPath', [{ name: 'id', expression: '//a[$x]' }], 'Capture On Success')).toThrow(
			'Capture On Success "id": the XPath uses the variable $x, but no variables are defined',
		);
		expect(() => compileCapture('xPath', [{ name: 'id', expression: '//a[name() = lower-case("A")]' }], 'Capture On Success')).toThrow(
			'Capture On Success "id": lower-case() is not an XPath 1.0 function',
		);
		expect(() =>
			compileCapture('xPath', [{ name: 'n', expression: 'count(//line[translate(@sku, "AB", "ab") = "a"])' }], 'Capture'),
		).not.toThrow();
	});

	it('reports a field that fails on the response and still captures the others', () => {
		// Wrong arity only shows when the predicate runs on a matching element.
		const partly = compileCapture(
			'xPath',
			[
				{ name: 'bad', expression: '//line[substring()]' },
				{ name: 'status', expression: '//status' },
			],
			'Capture',
		);
		expect(runCapture(partly, xml)).toEqual({
			values: { bad: null, status: 'paid' },
			unmatched: ['bad'],
			error: expect.stringMatching(/^"bad" could not run on this response \(Function substring expects/),
		});
	});
});
