/**
 * A map that holds at most `capacity` entries and drops the least recently used one when a new entry
 * would exceed it. Every in-process cache of this package uses it, so none can grow with input it
 * does not control (new secrets, paths, configurations, proxies) for the life of an n8n process.
 */
export class BoundedCache<K, V> {
	private readonly entries = new Map<K, V>();

	/** The most recently used key: a repeated hit on it leaves the order as it is (the common case on a request path). */
	private newest: { key: K } | undefined;

	constructor(readonly capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`A cache needs a capacity of 1 or more, not ${capacity}`);
	}

	get size(): number {
		return this.entries.size;
	}

	has(key: K): boolean {
		return this.entries.has(key);
	}

	/** The value for `key`, which becomes the most recently used entry. */
	get(key: K): V | undefined {
		const value = this.entries.get(key);
		if (this.newest !== undefined && this.newest.key === key) return value;
		if (value === undefined && !this.entries.has(key)) return undefined;
		this.entries.delete(key);
		this.entries.set(key, value as V);
		this.newest = { key };
		return value;
	}

	/** Stores `value` as the most recently used entry; returns the entries it evicted, oldest first. */
	set(key: K, value: V): Array<[K, V]> {
		this.entries.delete(key);
		this.entries.set(key, value);
		this.newest = { key };
		const evicted: Array<[K, V]> = [];
		for (const [oldest, old] of this.entries) {
			if (this.entries.size <= this.capacity) break;
			this.entries.delete(oldest);
			evicted.push([oldest, old]);
		}
		return evicted;
	}

	/** The cached value, or a new one from `create` (a throw caches nothing). */
	getOrCreate(key: K, create: (key: K) => V): V {
		if (this.has(key)) return this.get(key) as V;
		const value = create(key);
		this.set(key, value);
		return value;
	}

	delete(key: K): boolean {
		if (this.newest !== undefined && this.newest.key === key) this.newest = undefined;
		return this.entries.delete(key);
	}

	clear(): void {
		this.newest = undefined;
		this.entries.clear();
	}

	values(): IterableIterator<V> {
		return this.entries.values();
	}
}

/**
 * Remembers a pure function's answers for its first `limit` distinct inputs and computes the rest each
 * time. For hot paths whose inputs come from configuration, so are few: a hit costs one Map lookup and
 * never reorders anything, and input the package does not control cannot grow it past the bound.
 */
export function rememberFirst<V>(compute: (key: string) => V, limit: number): (key: string) => V {
	const answers = new Map<string, V>();
	return (key) => {
		let value = answers.get(key);
		if (value === undefined) {
			value = compute(key);
			if (answers.size < limit) answers.set(key, value);
		}
		return value;
	};
}
