import { TimedHeap } from '../../../../nodes/shared/outbound/timedHeap';

describe('TimedHeap', () => {
	it('gives entries back earliest first, equal times in insertion order, and only once due', () => {
		const heap = new TimedHeap<string>();
		const times = [50, 10, 30, 10, 40, 20, 30];
		times.forEach((at, index) => heap.push(at, `${at}#${index}`));
		expect(heap.size).toBe(7);
		expect(heap.peekTime()).toBe(10);
		expect(heap.popDue(5)).toBeUndefined();
		const taken: string[] = [];
		for (let value = heap.popDue(40); value !== undefined; value = heap.popDue(40)) taken.push(value);
		expect(taken).toEqual(['10#1', '10#3', '20#5', '30#2', '30#6', '40#4']);
		expect(heap.peekTime()).toBe(50);
		expect(heap.popDue(50)).toBe('50#0');
		expect(heap.size).toBe(0);
		expect(heap.peekTime()).toBeUndefined();
	});

	it('orders a seeded random sequence like a stable sort', () => {
		let seed = 7;
		const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 100;
		const entries = Array.from({ length: 2_000 }, (_, index) => ({ at: random(), index }));
		const heap = new TimedHeap<number>();
		for (const { at, index } of entries) heap.push(at, index);
		const taken: number[] = [];
		for (let value = heap.popDue(100); value !== undefined; value = heap.popDue(100)) taken.push(value);
		expect(taken).toEqual([...entries].sort((a, b) => a.at - b.at).map(({ index }) => index));
	});
});
