import { OutboundConfigError } from './errors';
import { buildXml } from './xml';

export type Encoding = 'json' | 'jsonArray' | 'xml' | 'form' | 'text';
export type FormNotation = 'dot' | 'bracket';

export interface EncodeOptions {
	xmlRootElement: string;
	formNotation: FormNotation;
}

export interface EncodedBody {
	body: Buffer;
	contentType: string;
}

export const CONTENT_TYPES: Record<Encoding, string> = {
	json: 'application/json; charset=utf-8',
	jsonArray: 'application/json; charset=utf-8',
	xml: 'application/xml; charset=utf-8',
	form: 'application/x-www-form-urlencoded',
	text: 'text/plain; charset=utf-8',
};

/**
 * Flattens nested values into form fields: `deal.amount` / `items.0.name` (dot) or `deal[amount]` /
 * `items[0][name]` (bracket, as PHP and Rails read them). Empty objects and arrays send nothing.
 */
export function flattenForm(value: unknown, notation: FormNotation): Array<[string, string]> {
	const pairs: Array<[string, string]> = [];
	const join = (prefix: string, key: string) => (prefix === '' ? key : notation === 'dot' ? `${prefix}.${key}` : `${prefix}[${key}]`);
	const walk = (prefix: string, node: unknown) => {
		if (node !== null && typeof node === 'object' && !(node instanceof Date)) {
			const entries = Array.isArray(node) ? node.map((child, index) => [String(index), child] as const) : Object.entries(node);
			for (const [key, child] of entries) walk(join(prefix, key), child);
		} else {
			pairs.push([prefix, scalarText(node)]);
		}
	};
	if (value === null || typeof value !== 'object') {
		throw new OutboundConfigError(
			'Content',
			'Form encoding needs named fields, not a single value',
			'Use Fields, or a JSON object as content',
		);
	}
	walk('', value);
	return pairs;
}

/** The text of a scalar as it goes into a form field, a text body or a merge tag. */
export function scalarText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

export const formEncode = (pairs: ReadonlyArray<[string, string]>) => new URLSearchParams(pairs as Array<[string, string]>).toString();

/** Encodes one content value (an object for Fields and Whole Item) in the chosen encoding. */
export function encodeValue(value: unknown, encoding: Encoding, options: EncodeOptions): EncodedBody {
	let text: string;
	switch (encoding) {
		case 'json':
			text = JSON.stringify(value ?? null);
			break;
		case 'jsonArray':
			text = JSON.stringify(Array.isArray(value) ? value : [value]);
			break;
		case 'xml':
			text = buildXml(value, options.xmlRootElement);
			break;
		case 'form':
			text = formEncode(flattenForm(value, options.formNotation));
			break;
		case 'text':
			text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
			break;
	}
	return { body: Buffer.from(text, 'utf8'), contentType: CONTENT_TYPES[encoding] };
}
