import * as compactIds from '../../../../nodes/shared/dedupe/compactIds';
import type { CompactIds } from '../../../../nodes/shared/dedupe/compactIds';
import { DedupeStore, STATIC_DATA_KEY, hashEventId } from '../../../../nodes/shared/inbound/dedupeStore';

type StaticData = Record<string, unknown>;
const options = { windowSeconds: 3600, maxEntries: 100 };
const clone = (data: StaticData): StaticData => JSON.parse(JSON.stringify(data));
const persistedIds = (data: StaticData) => [...compactIds.records(data[STATIC_DATA_KEY] as CompactIds)].map(([hash]) => hash);
/** How an id is stored: a prefix of its hash. */
const stored = (id: string) => compactIds.shortHash(hashEventId(id));

function fakeClock(start = 1_700_000_000) {
	const clock = { now: start };
	return { clock, read: () => clock.now };
}

/**
 * A store on a fake clock with one scope 's' in `staticData`; `seenBefore` opens the scope afresh
 * for each id, as every request does.
 */
function clockedScope(scopeOptions = options) {
	const { clock, read } = fakeClock();
	const store = new DedupeStore(read);
	const staticData: StaticData = {};
	const seenBefore = (id: string, windowSeconds?: number) => store.open('s', staticData, scopeOptions).seenBefore(id, windowSeconds);
	return { clock, read, store, staticData, seenBefore };
}

describe('DedupeStore', () => {
	it('records an id once and reports it as seen afterwards', () => {
		const store = new DedupeStore();
		const staticData: StaticData = {};
		expect(store.open('wf:node', staticData, options).seenBefore('evt_1')).toBe(false);
		expect(store.open('wf:node', staticData, options).seenBefore('evt_1')).toBe(true);
		expect(store.open('wf:node', staticData, options).seenBefore('evt_2')).toBe(false);
	});

	it('forgets an id given back, and only that one', () => {
		const store = new DedupeStore();
		const staticData: StaticData = {};
		const scope = () => store.open('wf:node', staticData, options);
		scope().seenBefore('evt_1');
		scope().seenBefore('evt_2');
		scope().forget('evt_1');
		expect(scope().seenBefore('evt_1')).toBe(false);
		expect(scope().seenBefore('evt_1')).toBe(true);
		expect(scope().seenBefore('evt_2')).toBe(true);
	});

	it('stores hashed ids only', () => {
		const staticData: StaticData = {};
		new DedupeStore().open('wf:node', staticData, options).seenBefore('ada@example.com');
		expect(JSON.stringify(staticData)).not.toContain('ada');
		expect(persistedIds(staticData)).toEqual([stored('ada@example.com')]);
	});

	it('survives a restart through static data', () => {
		const database: StaticData = {};
		new DedupeStore().open('wf:node', database, options).seenBefore('evt_1');
		const afterRestart = new DedupeStore();
		expect(afterRestart.open('wf:node', clone(database), options).seenBefore('evt_1')).toBe(true);
	});

	it('forgets ids after the window', () => {
		const { clock, seenBefore } = clockedScope();
		seenBefore('evt_1');
		clock.now += 3599;
		expect(seenBefore('evt_1')).toBe(true);
		// The window's last second is inside it; the next one starts afresh.
		clock.now += 1;
		expect(seenBefore('evt_1')).toBe(false);
	});

	it('keeps scopes apart', () => {
		const store = new DedupeStore();
		store.open('wf:a', {}, options).seenBefore('evt_1');
		expect(store.open('wf:b', {}, options).seenBefore('evt_1')).toBe(false);
	});

	it('lets only one of two concurrent requests with the same id through', () => {
		const store = new DedupeStore();
		const database: StaticData = {};
		// Both requests loaded the same copy before either saved.
		const first = store.open('s', clone(database), options);
		const second = store.open('s', clone(database), options);
		expect([first.seenBefore('evt_1'), second.seenBefore('evt_1')]).toEqual([false, true]);
	});

	it('does not lose an id when concurrent saves overwrite each other', () => {
		const store = new DedupeStore();
		let database: StaticData = {};
		const copyA = clone(database);
		const copyB = clone(database);
		store.open('s', copyA, options).seenBefore('a');
		store.open('s', copyB, options).seenBefore('b');
		// B's copy also carries a: a later save never drops an earlier id.
		expect(persistedIds(copyB).sort()).toEqual([stored('a'), stored('b')].sort());
		// Saves land in the other order: A's copy (without b) wins.
		database = copyB;
		database = copyA;
		expect(persistedIds(database)).toEqual([stored('a')]);
		// The next request restores b.
		const copyC = clone(database);
		store.open('s', copyC, options).seenBefore('c');
		expect(persistedIds(copyC).sort()).toEqual([stored('a'), stored('b'), stored('c')].sort());
		// After a restart, b is still known.
		expect(new DedupeStore().open('s', clone(copyC), options).seenBefore('b')).toBe(true);
	});

	it('repairs the copy of a request that loaded it long before it saved', () => {
		const { clock, read } = fakeClock();
		const store = new DedupeStore(read);
		let database: StaticData = {};
		const slowCopy = clone(database);
		for (const id of ['a', 'b', 'c']) {
			const copy = clone(database);
			store.open('s', copy, options).seenBefore(id);
			database = copy;
			clock.now += 30;
		}
		// A minute later the slow request records its id and its stale copy is saved last.
		store.open('s', slowCopy, options).seenBefore('slow');
		database = slowCopy;
		expect(persistedIds(database).sort()).toEqual(['a', 'b', 'c', 'slow'].map(stored).sort());
	});

	it('reads static data in full only after a start or another process’s save: cost does not grow with the ids kept', () => {
		const store = new DedupeStore();
		const staticData: StaticData = {};
		const large = { windowSeconds: 3600, maxEntries: 50_000 };
		const scope = () => store.open('s', staticData, large);
		scope().seenBefore('evt_first');
		const fullReads = jest.spyOn(compactIds, 'records');
		for (let index = 0; index < 20_000; index++) scope().seenBefore(`evt_${index}`);
		const fullReadCount = fullReads.mock.calls.length;
		fullReads.mockRestore();
		expect(fullReadCount).toBe(0);
		expect(persistedIds(staticData)).toHaveLength(20_001);
	});

	it('keeps 100,000 ids in about 15 characters each', () => {
		const staticData: StaticData = {};
		const store = new DedupeStore();
		const large = { windowSeconds: 3600, maxEntries: 100_000 };
		for (let index = 0; index < 100_000; index++) store.open('s', staticData, large).seenBefore(`evt_${index}`);
		const size = JSON.stringify(staticData).length;
		expect(size).toBeLessThan(100_000 * 16);
		expect(new DedupeStore().open('s', clone(staticData), large).seenBefore('evt_99999')).toBe(true);
		expect(new DedupeStore().open('s', clone(staticData), large).seenBefore('evt_100000')).toBe(false);
	});

	it('reads the old form (an object of hashed ids) and rewrites it compactly', () => {
		const { read } = fakeClock();
		const legacy = {
			[STATIC_DATA_KEY]: { v: 1, ids: { [hashEventId('old_1')]: 1_700_003_600, [hashEventId('expired')]: 1_699_999_000 }, marks: { p: 3 } },
		};
		const store = new DedupeStore(read);
		expect(store.open('s', legacy, options).seenBefore('old_1')).toBe(true);
		expect(store.open('s', legacy, options).seenBefore('expired')).toBe(false);
		expect((legacy[STATIC_DATA_KEY] as { v: number }).v).toBe(2);
		expect(persistedIds(legacy).sort()).toEqual([stored('old_1'), stored('expired')].sort());
	});

	it('keeps each id’s own window (the CRM trigger’s two windows share one scope)', () => {
		const { clock, read, staticData, seenBefore } = clockedScope();
		seenBefore('short', 60);
		seenBefore('long', 3600);
		clock.now += 61;
		expect(seenBefore('short', 60)).toBe(false);
		expect(seenBefore('long', 3600)).toBe(true);
		// After a restart, from static data alone.
		clock.now += 120;
		const restarted = new DedupeStore(read);
		expect(restarted.open('s', clone(staticData), options).seenBefore('long', 3600)).toBe(true);
	});

	it('sees ids another process recorded (queue mode), once they are saved', () => {
		const database: StaticData = {};
		new DedupeStore().open('s', database, options).seenBefore('evt_1');
		expect(new DedupeStore().open('s', clone(database), options).seenBefore('evt_1')).toBe(true);
	});

	it('restores an id another process overwrote, on that process’s next request (queue mode)', () => {
		const processA = new DedupeStore();
		const processB = new DedupeStore();
		const copyA = {};
		const copyB = {};
		processA.open('s', copyA, options).seenBefore('a');
		processB.open('s', copyB, options).seenBefore('b');
		// A saves first, B's copy (without a) lands last.
		let database: StaticData = copyB;
		const next = clone(database);
		processA.open('s', next, options).seenBefore('c');
		database = next;
		expect(persistedIds(database).sort()).toEqual(['a', 'b', 'c'].map(stored).sort());
	});

	it('bounds memory and static data to maxEntries, forgetting the oldest', () => {
		const small = { windowSeconds: 3600, maxEntries: 3 };
		const { clock, store, staticData, seenBefore } = clockedScope(small);
		for (const id of ['1', '2', '3', '4', '5']) {
			seenBefore(id);
			clock.now += 1;
		}
		clock.now += 120; // past the prune interval
		seenBefore('6');
		expect(persistedIds(staticData).length).toBeLessThanOrEqual(4);
		expect(persistedIds(staticData)).not.toContain(stored('1'));
		expect(store.open('s', {}, small).seenBefore('1')).toBe(false);
	});

	it('prunes expired ids from static data', () => {
		const { clock, staticData, seenBefore } = clockedScope();
		seenBefore('old');
		clock.now += 7200;
		seenBefore('new');
		expect(persistedIds(staticData)).toEqual([stored('new')]);
	});

	it('replaces static data it does not understand', () => {
		const staticData: StaticData = { [STATIC_DATA_KEY]: 'garbage' };
		expect(new DedupeStore().open('s', staticData, options).seenBefore('x')).toBe(false);
		expect(persistedIds(staticData)).toEqual([stored('x')]);
	});

	it('works without static data (memory only)', () => {
		const store = new DedupeStore();
		store.open('s', undefined, options).seenBefore('x');
		expect(store.open('s', undefined, options).seenBefore('x')).toBe(true);
	});
});
