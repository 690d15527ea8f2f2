import { hasDtdOrEntity } from '../xmlSafety';
import type { Rejection } from './rejection';
import { reject } from './rejection';
import type { XmlEvents } from './xmlScanner';
import { XmlScanner } from './xmlScanner';
import { malformed, XmlRefused } from './xmlRefusal';
import type { XmlLimits } from './xmlTree';
import { limitCounter } from './xmlTree';

/** `soapenv:Body` → `Body`: namespace prefixes are whatever the sender chose. */
export const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** Thrown to stop reading once the element sought has closed, or the first element on its way did without it. */
class Found {
	constructor(readonly text: string | undefined) {}
}

/**
 * Follows one path of local names down from the root (any root name) and collects the text of the
 * first element at its end. Counts what it reads against the limits, as the tree builder does.
 */
class PathReader implements XmlEvents {
	private depth = 0;
	/** How many levels of the open chain match the path. */
	private matched = 0;
	private collected = '';
	private readonly counter: ReturnType<typeof limitCounter>;

	constructor(
		private readonly path: readonly string[],
		private readonly limits: XmlLimits,
	) {
		this.counter = limitCounter(limits);
	}

	openTag(name: string) {
		this.counter.element();
		if (this.depth >= this.limits.maxDepth) throw malformed(`XML nests deeper than ${this.limits.maxDepth} levels`);
		this.depth++;
		const wanted = this.path[this.depth - 2];
		if (this.matched === this.depth - 1 && (this.depth === 1 || localName(name) === wanted)) this.matched = this.depth;
	}

	closeTag() {
		const atTarget = this.matched === this.path.length + 1 && this.depth === this.path.length + 1;
		if (atTarget) throw new Found(this.collected.trim());
		// Only the first element of each name on the path counts, as in the parsed tree the message is read from.
		if (this.matched === this.depth && this.depth >= 2) throw new Found(undefined);
		if (this.matched === this.depth) this.matched--;
		this.depth--;
	}

	attribute(name: string, value: string) {
		this.counter.attribute(name, value);
	}

	text(piece: string) {
		if (this.matched === this.path.length + 1 && this.depth === this.path.length + 1) this.collected += piece;
	}

	cdata(content: string) {
		this.text(content);
	}

	textNode() {
		this.counter.textNode();
	}
}

/**
 * The text of the first element at `path` below the root (local names: `['Body', 'notifications',
 * 'OrganizationId']`), reading no further than its closing tag: a check that needs one value
 * early in a large document does not read, or build, the rest. Undefined when the document has no
 * such element; a rejection for XML the triggers refuse (a DOCTYPE, a limit, malformed markup before it).
 */
export function xmlTextAt(text: string, path: readonly string[], limits: XmlLimits): { value: string | undefined } | Rejection {
	if (hasDtdOrEntity(text)) return reject(400, 'malformed_body', 'XML with a DOCTYPE or ENTITY declaration is refused');
	try {
		new XmlScanner(text, new PathReader(path, limits)).run();
		return { value: undefined };
	} catch (error) {
		if (error instanceof Found) return { value: error.text };
		if (error instanceof XmlRefused) return error.rejection;
		return reject(400, 'malformed_body', `Malformed XML: ${String((error as Error)?.message ?? error).slice(0, 80)}`);
	}
}
