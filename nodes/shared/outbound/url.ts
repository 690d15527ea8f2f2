import { OutboundConfigError } from './errors';

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);

/**
 * Parses a target URL and explains precisely what is wrong with it: a missing scheme, a relative
 * path, whitespace, an unsupported scheme (file:, ftp:, …) or credentials written into the URL.
 * Every URL an error shows is redacted, with `secretQueryNames` masked as well.
 */
export function validateUrl(raw: unknown, field = 'URL', secretQueryNames: readonly string[] = []): URL {
	if (typeof raw !== 'string' || raw.trim() === '') {
		throw new OutboundConfigError(field, `${field} is empty`, 'Enter the full address, e.g. https://api.example.com/hooks');
	}
	// Surrounding whitespace is almost always a copy-paste leftover (or a newline from an expression).
	const text = raw.trim();
	const space = text.search(/\s/);
	if (space !== -1) {
		throw new OutboundConfigError(
			field,
			`${field} contains whitespace at position ${space + 1}`,
			'Remove the space or line break, or encode it as %20',
		);
	}
	const scheme = SCHEME.exec(text);
	if (!scheme) {
		if (/^(\/|\.\.?\/|\?|#)/.test(text)) {
			throw new OutboundConfigError(
				field,
				`${field} "${redactText(text, secretQueryNames)}" is relative`,
				'Use an absolute URL that starts with https:// and a host name',
			);
		}
		throw missingScheme(field, text, secretQueryNames);
	}
	const protocol = `${scheme[1].toLowerCase()}:`;
	if (!ALLOWED_PROTOCOLS.has(protocol)) {
		// "localhost:5678/hook" parses as the scheme "localhost:"; a port number gives it away.
		if (/^\d+($|[/?#])/.test(text.slice(scheme[0].length))) throw missingScheme(field, text, secretQueryNames);
		throw new OutboundConfigError(
			field,
			`${field} uses the unsupported scheme "${protocol}"`,
			'Only http:// and https:// URLs can receive webhooks',
		);
	}
	if (!text.slice(scheme[0].length).startsWith('//')) {
		throw new OutboundConfigError(
			field,
			`${field} "${redactText(text, secretQueryNames)}" has no host`,
			`Write it as ${protocol}//host/path`,
		);
	}
	const url = tryParseUrl(text);
	if (!url || url.hostname === '') {
		throw new OutboundConfigError(
			field,
			`${field} "${redactText(text, secretQueryNames)}" is not a valid URL`,
			'Check the host name and port',
		);
	}
	if (url.username || url.password) {
		throw new OutboundConfigError(
			field,
			`${field} contains a username or password`,
			'Remove them from the URL and choose Basic Auth under Authentication, so they are stored encrypted in a credential',
		);
	}
	url.hash = '';
	return url;
}

function tryParseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function missingScheme(field: string, text: string, secretQueryNames: readonly string[]) {
	return new OutboundConfigError(
		field,
		`${field} "${redactText(text, secretQueryNames)}" has no scheme`,
		`Add https:// (or http://) in front: ${redactUrl(`https://${text}`, secretQueryNames)}`,
	);
}

/** Query parameter names whose values are secrets even when no credential says so. */
const SECRET_QUERY_NAME = /token|secret|passw|apikey|api_key|api-key|^key$|^sig$|^signature$|^auth$|^code$/i;

function secretQueryName(secretQueryNames: readonly string[]) {
	const names = new Set(secretQueryNames.map((name) => name.toLowerCase()));
	return (name: string) => names.has(name.toLowerCase()) || SECRET_QUERY_NAME.test(name);
}

/**
 * The URL as it may appear in logs and output: no userinfo, and the values of the credential's query
 * parameter (and of obviously secret ones such as `token`) replaced by `***`.
 */
export function redactUrl(url: URL | string, secretQueryNames: readonly string[] = []): string {
	const parsed = tryParseUrl(url.toString());
	if (!parsed) return redactText(url.toString(), secretQueryNames);
	if (parsed.username) parsed.username = '***';
	if (parsed.password) parsed.password = '***';
	const isSecret = secretQueryName(secretQueryNames);
	const names = [...new Set(parsed.searchParams.keys())];
	for (const name of names) {
		if (isSecret(name)) {
			const count = parsed.searchParams.getAll(name).length;
			parsed.searchParams.delete(name);
			for (let i = 0; i < count; i++) parsed.searchParams.append(name, '***');
		}
	}
	return parsed.toString();
}

/** Best-effort redaction of text that may not even parse as a URL: userinfo and secret query values. */
export function redactText(text: string, secretQueryNames: readonly string[] = []): string {
	const isSecret = secretQueryName(secretQueryNames);
	return text
		.replace(/\/\/[^/@\s]*@/g, '//***@')
		.replace(/([?&])([^=&#\s]+)=([^&#\s]*)/g, (pair, separator: string, name: string) =>
			isSecret(decodeName(name)) ? `${separator}${name}=***` : pair,
		);
}

function decodeName(name: string): string {
	try {
		return decodeURIComponent(name.replace(/\+/g, ' '));
	} catch {
		return name;
	}
}

/** A query pair's name as the receiver reads it (`+` is a space); the raw text when it is not valid percent-encoding. */
function pairName(pair: string): string {
	const name = pair.split('=', 1)[0].replace(/\+/g, ' ');
	try {
		return decodeURIComponent(name);
	} catch {
		return name;
	}
}

/**
 * Adds query pairs to a URL without touching the query it already has: URLSearchParams would re-encode
 * it whole (`%20` → `+`, `~` → `%7E`), breaking a signature over the raw query. Pairs named in
 * `replacing` (a credential's key) take the place of any the URL carries under that name.
 */
export function withQueryPairs(url: URL, added: ReadonlyArray<[string, string]>, replacing: Readonly<Record<string, string>> = {}): void {
	const replaced = new Set(Object.keys(replacing));
	if (added.length === 0 && replaced.size === 0) return;
	const kept =
		url.search === ''
			? []
			: url.search
					.slice(1)
					.split('&')
					.filter((pair) => pair === '' || !replaced.has(pairName(pair)));
	const appended = new URLSearchParams([...added.filter(([name]) => !replaced.has(name)), ...Object.entries(replacing)]).toString();
	url.search = [...kept, ...(appended === '' ? [] : [appended])].join('&');
}
