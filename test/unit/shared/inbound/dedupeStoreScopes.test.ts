import { DedupeStore } from '../../../../nodes/shared/inbound/dedupeStore';

type StaticData = Record<string, unknown>;
const options = { windowSeconds: 3600, maxEntries: 100 };

/** One node's static data as n8n keeps it: loaded fresh for each request, saved after it. */
function nodeData() {
	let saved: StaticData = {};
	return {
		request(store: DedupeStore, scopeKey: string, eventId: string): boolean {
			const loaded = JSON.parse(JSON.stringify(saved)) as StaticData;
			const seen = store.open(scopeKey, loaded, options).seenBefore(eventId);
			saved = loaded;
			return seen;
		},
	};
}

describe('DedupeStore scopes in memory', () => {
	it('drops the least recently used node past its limit, and reads it back from static data', () => {
		const store = new DedupeStore(undefined, 1);
		const a = nodeData();
		const b = nodeData();
		expect(a.request(store, 'wf:a', 'evt_1')).toBe(false);
		expect(b.request(store, 'wf:b', 'evt_1')).toBe(false); // node a's memory is dropped here
		expect(a.request(store, 'wf:a', 'evt_1')).toBe(true);
		expect(b.request(store, 'wf:b', 'evt_1')).toBe(true);
	});

	it('keeps writing new ids to static data after a dropped node comes back', () => {
		const store = new DedupeStore(undefined, 1);
		const a = nodeData();
		const b = nodeData();
		for (const id of ['evt_1', 'evt_2', 'evt_3']) expect(a.request(store, 'wf:a', id)).toBe(false);
		b.request(store, 'wf:b', 'evt_x');
		expect(a.request(store, 'wf:a', 'evt_4')).toBe(false);
		// Another process (or this one after a restart) knows evt_4 only from static data.
		const restarted = new DedupeStore();
		for (const id of ['evt_1', 'evt_2', 'evt_3', 'evt_4']) expect(a.request(restarted, 'wf:a', id)).toBe(true);
	});
});
