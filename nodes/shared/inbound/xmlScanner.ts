import { hasOwn } from '../prototypeKeys';
import { resolveEntity } from './xmlEntities';
import { malformed } from './xmlRefusal';

/**
 * A reader for the XML the triggers accept, written to accept and refuse exactly what sax did in
 * strict mode (the unit tests compare the two on generated documents), but working a piece of
 * markup or a text run at a time with indexOf and sticky patterns instead of a callback per
 * character: sax's per-character state machine was most of the cost of a small webhook body.
 */

/** What the scanner reports, in document order, as sax's events did; the tree builder counts and builds. */
export interface XmlEvents {
	/** A new attribute of the element being opened (sax passed over a repeated name without a word). */
	attribute(name: string, value: string): void;
	/** `attributes` is made only for an element that has some. */
	openTag(name: string, attributes: Record<string, string> | undefined): void;
	closeTag(): void;
	/** Text inside the root element, references resolved. */
	text(piece: string): void;
	cdata(content: string): void;
	/** A text run with content ended, or a CDATA section, comment or processing instruction was read. */
	textNode(): void;
}

const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const SLASH = 47;
const EQUALS = 61;
const GREATER_THAN = 62;
const BANG = 33;
const QUESTION_MARK = 63;

/**
 * XML 1.0's Name, one UTF-16 unit at a time as sax read it (so no character beyond U+FFFF). The
 * combining marks open the second class: after another character the linter takes one for part of it.
 */
const NAME =
	/[:_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][\u0300-\u036F:_A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u00B7\u203F-\u2040.\d-]*/y;
/** The ASCII characters that may start a name, and those that may follow (1: may). */
const ASCII_NAME_START = new Uint8Array(128);
const ASCII_NAME = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
	const character = String.fromCharCode(code);
	ASCII_NAME_START[code] = /[:_A-Za-z]/.test(character) ? 1 : 0;
	ASCII_NAME[code] = /[:_A-Za-z0-9.-]/.test(character) ? 1 : 0;
}
const HAS_CONTENT = /\S/;
const DECLARATION_END = /[>"']/g;

/** Line and column (from 1) of a position, for the message: counted only when refusing. */
function where(text: string, at: number): string {
	let line = 1;
	for (let index = text.indexOf('\n'); index >= 0 && index < at; index = text.indexOf('\n', index + 1)) line++;
	return `line ${line}, column ${at - text.lastIndexOf('\n', at - 1)}`;
}

export class XmlScanner {
	/** Names of the open elements, as sent, to match closing tags against. */
	private readonly open: string[] = [];
	/** The text read since the last event has non-whitespace: sax reported such a run as one text node at its next event. */
	private runHasContent = false;
	/** The first `&` at or after the reading position (-1: none left; -2: not searched yet), so the text is searched for it once. */
	private nextAmpersand = -2;

	constructor(
		private readonly text: string,
		private readonly events: XmlEvents,
	) {}

	/** Reads the whole text, reporting as it goes; throws XmlRefused at the first fault. */
	run(): void {
		const { text } = this;
		// sax passed over one byte order mark at the very start.
		let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
		while (position < text.length) {
			const markup = text.indexOf('<', position);
			const end = markup < 0 ? text.length : markup;
			if (end > position) this.readText(position, end);
			if (markup < 0) break;
			position = this.readMarkup(markup);
		}
		if (this.open.length > 0) this.fail('unclosed root element', text.length);
	}

	private readText(start: number, end: number) {
		if (this.open.length === 0) {
			// Outside the root element only whitespace may stand.
			const content = this.skipSpace(start);
			if (content < end) this.fail('text outside the root element', content);
			return;
		}
		const ampersand = this.ampersandFrom(start);
		const piece = ampersand < 0 || ampersand >= end ? this.text.slice(start, end) : this.resolveReferences(start, end, ampersand, true);
		if (!this.runHasContent && HAS_CONTENT.test(piece)) this.runHasContent = true;
		this.events.text(piece);
	}

	/** The text from start to end with its references resolved; one that stands for nothing is refused. */
	private resolveReferences(start: number, end: number, firstAmpersand: number, inText: boolean): string {
		const { text } = this;
		let resolved = '';
		let position = start;
		for (let ampersand = firstAmpersand; ampersand >= 0 && ampersand < end; ampersand = this.ampersandFrom(position)) {
			resolved += text.slice(position, ampersand);
			const semicolon = text.indexOf(';', ampersand + 1);
			const value = semicolon < 0 || semicolon > end ? undefined : resolveEntity(text.slice(ampersand + 1, semicolon));
			if (value === undefined) {
				// sax reported the text before the bad reference first, as a text node that counts.
				if (inText && HAS_CONTENT.test(resolved)) this.runHasContent = true;
				this.fail('unknown or malformed reference', ampersand);
			}
			resolved += value;
			position = semicolon + 1;
		}
		return resolved + text.slice(position, end);
	}

	/** Reads the markup that starts at `<`; returns where the text after it starts. */
	private readMarkup(lessThan: number): number {
		// sax let whitespace follow `<`: `< a>` is `<a>`.
		const at = this.skipSpace(lessThan + 1);
		const next = this.text.charCodeAt(at);
		if (next === BANG) return this.readDeclaration(at + 1);
		// Whatever follows ends the text run: an event or a fault.
		this.endTextRun();
		if (next === QUESTION_MARK) return this.readProcessingInstruction(at + 1);
		if (next === SLASH) return this.readCloseTag(at + 1);
		return this.readOpenTag(at);
	}

	/** After `<!`: a comment, a CDATA section, or a declaration sax passed over. */
	private readDeclaration(at: number): number {
		const { text } = this;
		if (text.startsWith('--', at)) return this.readComment(at + 2);
		const keyword = text.slice(at, at + 7).toUpperCase();
		if (keyword === '[CDATA[') return this.readCdata(at + 7);
		// parseXml refuses these before reading; sax would have read past one.
		if (keyword === 'DOCTYPE') this.fail('DOCTYPE declaration', at);
		// Any other `<!...>` sax passed over without an event, and a quote in one hid the rest of the text.
		DECLARATION_END.lastIndex = at;
		const end = DECLARATION_END.exec(text);
		if (end?.[0] !== '>') this.fail('unterminated declaration', at);
		return DECLARATION_END.lastIndex;
	}

	/** A comment ends at its first `--`, which must close it; an empty one was not reported. */
	private readComment(at: number): number {
		const end = this.text.indexOf('--', at);
		if (end < 0) this.fail('unterminated comment', at);
		if (end > at) {
			this.endTextRun();
			this.events.textNode();
		}
		if (this.text.charCodeAt(end + 2) !== GREATER_THAN) this.fail('"--" inside a comment', end);
		return end + 3;
	}

	/** Counted as it opens, even when empty, as sax reported it. */
	private readCdata(at: number): number {
		this.endTextRun();
		this.events.textNode();
		const end = this.text.indexOf(']]>', at);
		if (end < 0) this.fail('unterminated CDATA section', at);
		if (end > at) this.events.cdata(this.text.slice(at, end));
		return end + 3;
	}

	/** Ends at `?>`, where sax paired each `?` with the character after it: `??>` does not end one. */
	private readProcessingInstruction(at: number): number {
		let question = this.text.indexOf('?', at);
		while (question >= 0 && this.text.charCodeAt(question + 1) !== GREATER_THAN) question = this.text.indexOf('?', question + 2);
		if (question < 0) this.fail('unterminated processing instruction', at);
		this.events.textNode();
		return question + 2;
	}

	private readCloseTag(at: number): number {
		const start = this.skipSpace(at);
		const nameEnd = this.nameEnd(start);
		if (nameEnd === start) this.fail('bad name in a closing tag', start);
		const end = this.skipSpace(nameEnd);
		if (this.text.charCodeAt(end) !== GREATER_THAN) this.fail('bad closing tag', end);
		const name = this.open[this.open.length - 1];
		// Compared in place: no copy of the name for every closing tag.
		if (name?.length !== nameEnd - start || !this.text.startsWith(name, start))
			this.fail('closing tag does not match the open element', start);
		this.open.pop();
		this.events.closeTag();
		return end + 1;
	}

	private readOpenTag(at: number): number {
		const { text } = this;
		const nameEnd = this.nameEnd(at);
		if (nameEnd === at) this.fail('unencoded "<"', at);
		let attributes: Record<string, string> | undefined;
		let position = nameEnd;
		let next = text.charCodeAt(position);
		// Each attribute follows whitespace.
		while (isSpace(next)) {
			position = this.skipSpace(position);
			next = text.charCodeAt(position);
			if (next === GREATER_THAN || next === SLASH) break;
			position = this.readAttribute(position, (attributes ??= {}));
			next = text.charCodeAt(position);
		}
		const selfClosing = next === SLASH && text.charCodeAt(position + 1) === GREATER_THAN;
		if (!selfClosing && next !== GREATER_THAN) this.fail('malformed start tag', position);
		const name = text.slice(at, nameEnd);
		this.events.openTag(name, attributes);
		if (selfClosing) this.events.closeTag();
		else this.open.push(name);
		return position + (selfClosing ? 2 : 1);
	}

	/** One `name="value"` or `name='value'`, spaces allowed around `=`; returns the position after the closing quote. */
	private readAttribute(at: number, attributes: Record<string, string>): number {
		const { text } = this;
		const nameEnd = this.nameEnd(at);
		if (nameEnd === at) this.fail('bad attribute name', at);
		const equals = this.skipSpace(nameEnd);
		if (text.charCodeAt(equals) !== EQUALS) this.fail('attribute without a value', equals);
		const open = this.skipSpace(equals + 1);
		const quote = text.charCodeAt(open);
		if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) this.fail('unquoted attribute value', open);
		const close = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", open + 1);
		if (close < 0) this.fail('unterminated attribute value', open);
		const ampersand = this.ampersandFrom(open + 1);
		const value =
			ampersand < 0 || ampersand >= close ? text.slice(open + 1, close) : this.resolveReferences(open + 1, close, ampersand, false);
		const name = text.slice(at, nameEnd);
		// sax kept the first of a repeated name, uncounted, and `__proto__` never became a key.
		if (!hasOwn(attributes, name)) {
			if (name !== '__proto__') attributes[name] = value;
			this.events.attribute(name, value);
		}
		return close + 1;
	}

	private endTextRun() {
		if (!this.runHasContent) return;
		this.runHasContent = false;
		this.events.textNode();
	}

	/** The first `&` at or after `position`; searched again only once the reading passes the last one found. */
	private ampersandFrom(position: number): number {
		if (this.nextAmpersand < position && this.nextAmpersand !== -1) this.nextAmpersand = this.text.indexOf('&', position);
		return this.nextAmpersand;
	}

	/** Where the name starting at `at` ends; `at` itself when no name starts there. */
	private nameEnd(at: number): number {
		const { text } = this;
		// Names of ASCII letters, digits and `_:.-` (nearly all) without the pattern, which costs more per name.
		let end = at;
		if (ASCII_NAME_START[text.charCodeAt(at)] === 1) while (ASCII_NAME[text.charCodeAt(++end)] === 1);
		if (end > at && !(text.charCodeAt(end) >= 0x80)) return end;
		NAME.lastIndex = at;
		return NAME.test(text) ? NAME.lastIndex : at;
	}

	private skipSpace(at: number): number {
		while (isSpace(this.text.charCodeAt(at))) at++;
		return at;
	}

	private fail(what: string, at: number): never {
		// sax reported the text read so far before its error, so a text-node limit reached there still answers 413.
		this.endTextRun();
		throw malformed(`Malformed XML: ${what} (${where(this.text, at)})`);
	}
}

/** sax's whitespace: these four only. */
const isSpace = (code: number) => code === SPACE || code === LINE_FEED || code === CARRIAGE_RETURN || code === TAB;
