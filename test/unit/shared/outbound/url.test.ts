import { redactText, redactUrl, validateUrl, withQueryPairs } from '../../../../nodes/shared/outbound/url';

const problem = (raw: unknown) => {
	try {
		validateUrl(raw);
	} catch (error) {
		return error as { field: string; message: string; hint?: string };
	}
	throw new Error('expected a validation error');
};

describe('validateUrl', () => {
	it('accepts http and https URLs and drops the fragment', () => {
		expect(validateUrl('https://api.example.com/hooks?a=1#top').toString()).toBe('https://api.example.com/hooks?a=1');
		expect(validateUrl('http://127.0.0.1:5678/webhook').port).toBe('5678');
		expect(validateUrl('https://[::1]:8443/x').hostname).toBe('[::1]');
	});

	it('trims surrounding whitespace such as a trailing newline from an expression', () => {
		expect(validateUrl('  https://example.com/a\n').toString()).toBe('https://example.com/a');
	});

	it.each([
		['', /is empty/],
		[undefined, /is empty/],
		['https://example.com/a b', /whitespace at position 22/],
		['https://exa\tmple.com', /whitespace/],
		['/hooks/1', /is relative/],
		['./hooks', /is relative/],
		['?a=1', /is relative/],
		['example.com/hooks', /has no scheme/],
		['localhost:5678/webhook', /has no scheme/],
		['file:///etc/passwd', /unsupported scheme "file:"/],
		['ftp://example.com/x', /unsupported scheme "ftp:"/],
		['javascript:alert(1)', /unsupported scheme "javascript:"/],
		['https:example.com', /has no host/],
		['https://', /not a valid URL/],
		['https://user:pass@example.com/', /username or password/],
	])('refuses %p with a clear message', (raw, message) => {
		const error = problem(raw);
		expect(error.field).toBe('URL');
		expect(error.message).toMatch(message);
		expect(error.hint).toBeTruthy();
	});

	it('suggests the fixed URL when the scheme is missing', () => {
		expect(problem('example.com/hooks').hint).toContain('https://example.com/hooks');
	});

	it('never repeats credentials in its errors', () => {
		expect(JSON.stringify(problem('https://user:s3cret@exa mple.com'))).not.toContain('s3cret');
		expect(JSON.stringify(problem('//user:s3cret@example.com/x'))).not.toContain('s3cret');
	});

	it("masks secret query values in its errors and hints, the credential's names included", () => {
		for (const raw of [
			'example.com/hook?token=T0K&api_code=K3Y',
			'localhost:5678/hook?api_code=K3Y&token=T0K',
			'/hook?token=T0K&api_code=K3Y',
			'https:example.com?token=T0K&api_code=K3Y',
		]) {
			let error: unknown;
			try {
				validateUrl(raw, 'URL', ['api_code']);
			} catch (caught) {
				error = caught;
			}
			const shown = JSON.stringify({ ...(error as object), message: (error as Error).message });
			expect(shown).toMatch(/token=\*\*\*/);
			expect(shown).not.toMatch(/T0K|K3Y/);
		}
		expect(problem('example.com/hook?page=2').hint).toContain('https://example.com/hook?page=2');
	});
});

describe('redactUrl', () => {
	it('masks userinfo', () => {
		expect(redactUrl('https://user:pw@example.com/x')).toBe('https://***:***@example.com/x');
	});

	it("masks the credential's query parameter, case-insensitively, every time it appears", () => {
		expect(redactUrl(new URL('https://e.com/h?Api_Code=1&api_code=2&page=3'), ['api_code'])).toBe(
			'https://e.com/h?page=3&Api_Code=***&api_code=***',
		);
	});

	it('masks obviously secret parameters without being told', () => {
		const redacted = redactUrl('https://e.com/h?access_token=a&key=b&sig=c&client_secret=d&password=e&entityId=42');
		expect(redacted).not.toMatch(/=[a-e](&|$)/);
		expect(redacted).toContain('entityId=42');
	});

	it('falls back to text redaction for something that is not a URL', () => {
		expect(redactUrl('not a url //me:pw@host')).toBe('not a url //***@host');
		expect(redactText('x //a@b')).toBe('x //***@b');
		expect(redactUrl('example.com/h?Api_Code=1&access%5Ftoken=2&page=3', ['api_code'])).toBe(
			'example.com/h?Api_Code=***&access%5Ftoken=***&page=3',
		);
	});
});

describe('withQueryPairs', () => {
	const url = (text: string, added: Array<[string, string]>, replacing?: Record<string, string>) => {
		const parsed = new URL(text);
		withQueryPairs(parsed, added, replacing);
		return parsed.toString();
	};

	it('adds pairs without re-encoding the query the URL already has', () => {
		expect(url('https://x.example/hook?sig=a%20b~c&flag&path=/x:y&q=a+b', [['entityType', 'Lead & co']])).toBe(
			'https://x.example/hook?sig=a%20b~c&flag&path=/x:y&q=a+b&entityType=Lead+%26+co',
		);
		expect(url('https://x.example/hook', [['a', '1']])).toBe('https://x.example/hook?a=1');
		expect(url('https://x.example/hook?keep=%7E', [])).toBe('https://x.example/hook?keep=%7E');
		expect(url('https://x.example/hook?a=1&&b=2&', [], { k: 's' })).toBe('https://x.example/hook?a=1&&b=2&&k=s');
	});

	it("puts a credential's key in place of every pair of that name, in the URL or added", () => {
		expect(url('https://x.example/hook?api_code=old&api%5Fcode=older&x=1', [['api_code', 'row']], { api_code: 's3cret' })).toBe(
			'https://x.example/hook?x=1&api_code=s3cret',
		);
	});
});
