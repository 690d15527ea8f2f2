/**
 * Entries ordered by the time they are due, earliest first, and in insertion order among equal
 * times: a binary heap, so adding and taking cost log n however many retries wait (a list scanned
 * on every turn cost the square of their number).
 */
export class TimedHeap<T> {
	private readonly entries: Array<{ at: number; seq: number; value: T }> = [];

	private seq = 0;

	get size(): number {
		return this.entries.length;
	}

	push(at: number, value: T): void {
		this.entries.push({ at, seq: this.seq++, value });
		this.siftUp(this.entries.length - 1);
	}

	/** The earliest time, or undefined when empty. */
	peekTime(): number | undefined {
		return this.entries[0]?.at;
	}

	/** Takes the earliest entry if it is due at `time`. */
	popDue(time: number): T | undefined {
		const top = this.entries[0];
		if (top === undefined || top.at > time) return undefined;
		const last = this.entries.pop() as (typeof this.entries)[number];
		if (this.entries.length > 0) {
			this.entries[0] = last;
			this.siftDown(0);
		}
		return top.value;
	}

	private before(a: number, b: number): boolean {
		const [x, y] = [this.entries[a], this.entries[b]];
		return x.at < y.at || (x.at === y.at && x.seq < y.seq);
	}

	private swap(a: number, b: number): void {
		[this.entries[a], this.entries[b]] = [this.entries[b], this.entries[a]];
	}

	private siftUp(index: number): void {
		for (let child = index; child > 0; ) {
			const parent = (child - 1) >> 1;
			if (!this.before(child, parent)) return;
			this.swap(child, parent);
			child = parent;
		}
	}

	private siftDown(index: number): void {
		for (let parent = index; ; ) {
			const [left, right] = [2 * parent + 1, 2 * parent + 2];
			let first = parent;
			if (left < this.entries.length && this.before(left, first)) first = left;
			if (right < this.entries.length && this.before(right, first)) first = right;
			if (first === parent) return;
			this.swap(parent, first);
			parent = first;
		}
	}
}
