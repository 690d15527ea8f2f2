import { DOMParser } from '@xmldom/xmldom';
import * as xpath from 'xpath';

import { numberInDocumentOrder } from '../../../../nodes/shared/outbound/documentOrder';

const XML =
	'<?xml version="1.0"?><r a="1" b="2"><!-- note --><item id="x"><id>1</id>text<name>n</name></item>' +
	'<item id="y"><id>2</id><![CDATA[raw]]><deep><deeper z="9">t</deeper></deep></item><id>3</id></r>';

type AnyNode = { childNodes?: ArrayLike<AnyNode>; attributes?: ArrayLike<AnyNode>; compareDocumentPosition(other: AnyNode): number };

function allNodes(document: AnyNode): AnyNode[] {
	const nodes: AnyNode[] = [];
	const visit = (node: AnyNode) => {
		nodes.push(node);
		for (const attribute of Array.from(node.attributes ?? [])) nodes.push(attribute);
		for (const child of Array.from(node.childNodes ?? [])) visit(child);
	};
	visit(document);
	return nodes;
}

/** xpath's reading of a comparison: 1 when `other` comes first (precedes or contains), -1 when it comes later. */
const order = (cpos: number) => (cpos & 0x0a ? 1 : cpos & 0x14 ? -1 : 0);

describe('numberInDocumentOrder', () => {
	it('orders every pair of nodes (attributes, text, comments, CDATA) as xmldom does, for xpath', () => {
		const reference = allNodes(new DOMParser().parseFromString(XML, 'text/xml') as unknown as AnyNode);
		const document = new DOMParser().parseFromString(XML, 'text/xml') as unknown as AnyNode;
		const numbered = allNodes(document);
		numberInDocumentOrder(document as never);
		expect(numbered).toHaveLength(reference.length);
		for (let a = 0; a < numbered.length; a++) {
			for (let b = 0; b < numbered.length; b++) {
				if (a === b) continue;
				expect([a, b, order(numbered[a].compareDocumentPosition(numbered[b]))]).toEqual([
					a,
					b,
					order(reference[a].compareDocumentPosition(reference[b])),
				]);
			}
		}
	});

	it('gives xpath the same node sets, in the same order', () => {
		const plain = new DOMParser().parseFromString(XML, 'text/xml') as unknown as Node;
		const numbered = new DOMParser().parseFromString(XML, 'text/xml') as unknown as Node;
		numberInDocumentOrder(numbered as never);
		for (const expression of [
			'//id',
			'//@*',
			'//id | //@id',
			'(//item/*)[last()]',
			'//deeper/ancestor::*',
			'//text()',
			'//id/following::*',
		]) {
			const text = (document: Node) =>
				(xpath.select(expression, document) as Node[]).map((node) => String(node.nodeName) + '=' + node.textContent);
			expect(text(numbered)).toEqual(text(plain));
		}
	});

	it('leaves xmldom’s shared prototype alone', () => {
		const document = new DOMParser().parseFromString(XML, 'text/xml') as unknown as { documentElement: object };
		const method = Object.getPrototypeOf(document.documentElement).compareDocumentPosition as unknown;
		numberInDocumentOrder(document as never);
		const fresh = new DOMParser().parseFromString(XML, 'text/xml') as unknown as { documentElement: object };
		expect(Object.getPrototypeOf(fresh.documentElement).compareDocumentPosition).toBe(method);
		expect(Object.prototype.hasOwnProperty.call(fresh.documentElement, 'compareDocumentPosition')).toBe(false);
	});
});
