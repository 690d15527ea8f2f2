import {
	headerTemplateLines,
	mergeHeaders,
	parseHeaderLines,
	parseResolvedHeaderLines,
	validateHeaders,
} from '../../../../nodes/shared/outbound/headers';

const errorOf = (fn: () => unknown) => {
	try {
		fn();
	} catch (error) {
		return error as Error & { field: string };
	}
	throw new Error('expected an error');
};

describe('parseHeaderLines (Freshsales rules)', () => {
	it('reads one Name: value per line', () => {
		expect(parseHeaderLines('X-Sample-CustomHeader1: VALUE\nX-Api-Version: 2')).toEqual([
			{ name: 'X-Sample-CustomHeader1', value: 'VALUE' },
			{ name: 'X-Api-Version', value: '2' },
		]);
	});

	it('skips a space between the name and the colon, and blank lines', () => {
		expect(parseHeaderLines('\r\nX-Sample-CustomHeader1 : VALUE\r\n\n')).toEqual([{ name: 'X-Sample-CustomHeader1', value: 'VALUE' }]);
	});

	it('keeps colons inside the value', () => {
		expect(parseHeaderLines('X-Time: 12:30:00')).toEqual([{ name: 'X-Time', value: '12:30:00' }]);
	});

	it('refuses a line without a colon and names the line', () => {
		expect(errorOf(() => parseHeaderLines('X-A: 1\nno colon here')).message).toMatch(/Line 2 .*"no colon here".*Name: value/);
		expect(errorOf(() => parseHeaderLines(': value')).message).toMatch(/Line 1/);
	});

	it('refuses NUL characters', () => {
		expect(errorOf(() => parseHeaderLines('X-A: a\0b')).message).toMatch(/NUL/);
	});
});

describe('Header Lines with expressions, resolved line by line', () => {
	it('splits the template into the lines to resolve', () => {
		expect(headerTemplateLines('X-Note: {{ $json.note }}\r\nX-Api-Version: 2')).toEqual(['X-Note: {{ $json.note }}', 'X-Api-Version: 2']);
	});

	it('refuses an expression that continues on another line, naming the line', () => {
		expect(errorOf(() => headerTemplateLines('X-A: 1\nX-Note: {{ $json\n.note }}')).message).toBe(
			'Line 2 of Custom Headers has an expression that continues on another line',
		);
	});

	it('refuses a line break that item data put inside a line, naming the header', () => {
		for (const line of ['X-Note: hello\r\nX-Injected: evil', 'X-Note: \nX-Injected: evil', 'X-Note: a\0b']) {
			const error = errorOf(() => parseResolvedHeaderLines(['X-Api-Version: 2', line]));
			expect(error.message).toBe('Header "X-Note" contains a line break or NUL character');
			expect(error.field).toBe('Custom Headers');
		}
		expect(parseResolvedHeaderLines(['X-Note: hello', '', 'X-Api-Version : 2'])).toEqual([
			{ name: 'X-Note', value: 'hello' },
			{ name: 'X-Api-Version', value: '2' },
		]);
	});
});

describe('validateHeaders', () => {
	const check =
		(name: string, value = 'v') =>
		() =>
			validateHeaders([{ name, value }]);

	it('refuses a name with a space and names the header', () => {
		const error = errorOf(check('X-Sample Custom Header1'));
		expect(error.message).toBe('Header name "X-Sample Custom Header1" contains a space');
		expect(error.field).toBe('Custom Headers');
	});

	it('refuses CR, LF and NUL in names and values (header injection)', () => {
		for (const value of ['a\r\nX-Evil: 1', 'a\nb', 'a\rb', 'a\0b']) {
			expect(errorOf(check('X-Token', value)).message).toMatch(/"X-Token" contains a line break or NUL/);
		}
		expect(errorOf(check('X-A\nB')).message).toMatch(/line break/);
	});

	it('accepts only RFC 7230 token names', () => {
		expect(errorOf(check('X(A)')).message).toMatch(/"X\(A\)" contains a character that is not allowed/);
		expect(errorOf(check('Ü-Header')).message).toMatch(/not allowed/);
		expect(validateHeaders([{ name: "X-!#$%&'*+.^_`|~1", value: 'ok' }])).toHaveLength(1);
	});

	it('refuses control characters and characters Node cannot send', () => {
		expect(errorOf(check('X-A', 'a\x07b')).message).toMatch(/control character/);
		expect(errorOf(check('X-A', 'emoji 😀')).message).toMatch(/outside Latin-1/);
		expect(validateHeaders([{ name: 'X-A', value: 'tab\tand café' }])).toEqual([{ name: 'X-A', value: 'tab\tand café' }]);
	});

	it('refuses framing headers the transport owns', () => {
		for (const name of ['Host', 'content-length', 'Transfer-Encoding', 'Connection']) {
			expect(errorOf(check(name)).message).toMatch(/is set by the node itself/);
		}
	});

	it('refuses the same header twice, whatever its case', () => {
		expect(
			errorOf(() =>
				validateHeaders([
					{ name: 'X-A', value: '1' },
					{ name: 'x-a', value: '2' },
				]),
			).message,
		).toMatch(/"x-a" is listed twice/);
	});

	it('refuses an empty name and trims values', () => {
		expect(errorOf(check('  ')).message).toMatch(/without a name/);
		expect(validateHeaders([{ name: ' X-A ', value: ' v ' }])).toEqual([{ name: 'X-A', value: 'v' }]);
	});
});

describe('mergeHeaders', () => {
	it('lets later layers win regardless of case and keeps the later spelling', () => {
		expect(mergeHeaders({ 'content-type': 'a', Accept: 'x' }, [{ name: 'Content-Type', value: 'b' }], { ACCEPT: 'y' })).toEqual({
			'Content-Type': 'b',
			ACCEPT: 'y',
		});
	});
});

describe('mergeHeaders with hostile names', () => {
	it('keeps a header named __proto__ as a header', () => {
		const merged = mergeHeaders({ Accept: '*/*' }, [{ name: '__proto__', value: 'x' }]);
		expect(Object.keys(merged)).toEqual(['Accept', '__proto__']);
		expect(merged.__proto__).toBe('x');
	});
});
