/**
 * The xpath library sorts every node set into document order with `compareDocumentPosition`, and
 * xmldom's walks the siblings on each call: sorting grows with the square of the answer's size (a
 * 128 KB XML answer blocked n8n for seconds). Numbering the parsed tree once, in document order, makes
 * each comparison a lookup. The numbers live in the tree's own nodes (own properties), so xmldom's
 * shared prototypes stay untouched.
 */
interface OrderedNode {
	childNodes?: ArrayLike<OrderedNode> | null;
	attributes?: ArrayLike<OrderedNode> | null;
	compareDocumentPosition?: (other: OrderedNode) => number;
}

const PRECEDING = 0x02;
const FOLLOWING = 0x04;

const positions = new WeakMap<OrderedNode, number>();

function compareByPosition(this: OrderedNode, other: OrderedNode): number {
	const mine = positions.get(this);
	const theirs = positions.get(other);
	if (mine === undefined || theirs === undefined) {
		// A node xpath made itself (a namespace node): xmldom's own answer, from the prototype.
		return Object.getPrototypeOf(this).compareDocumentPosition.call(this, other) as number;
	}
	if (mine === theirs) return 0;
	// An ancestor is numbered before its descendants, so "before" also covers "contains".
	return theirs < mine ? PRECEDING : FOLLOWING;
}

/** Numbers the document, its elements' attributes (right after their element) and every child, iteratively. */
export function numberInDocumentOrder(document: OrderedNode): void {
	let next = 0;
	const stack: OrderedNode[] = [document];
	while (stack.length > 0) {
		const node = stack.pop() as OrderedNode;
		positions.set(node, next++);
		node.compareDocumentPosition = compareByPosition;
		const attributes = node.attributes ?? [];
		for (let index = 0; index < attributes.length; index++) {
			positions.set(attributes[index], next++);
			attributes[index].compareDocumentPosition = compareByPosition;
		}
		const children = node.childNodes ?? [];
		for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]);
	}
}
