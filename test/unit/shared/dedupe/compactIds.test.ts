import type { CompactIds } from '../../../../nodes/shared/dedupe/compactIds';
import { appendRecord, readCompact, rebuild, recordCount, records, shortHash } from '../../../../nodes/shared/dedupe/compactIds';
import { hashEventId } from '../../../../nodes/shared/inbound/dedupeStore';

const now = 1_700_000_000;
const empty = (): CompactIds => rebuild([], now, 100);
// The expiry kept for a full hash, as the store reads it back from static data.
const findExpiry = (compact: CompactIds, hash: string) => new Map(records(compact)).get(shortHash(hash));

describe('compact stored ids', () => {
	it('stores each id in 15 characters and finds its expiry again', () => {
		const compact = empty();
		appendRecord(compact, hashEventId('a'), now + 3600);
		appendRecord(compact, hashEventId('b'), now + 7200);
		expect(compact.ids).toHaveLength(30);
		expect(findExpiry(compact, hashEventId('a'))).toBe(now + 3600);
		expect(findExpiry(compact, hashEventId('b'))).toBe(now + 7200);
		expect(findExpiry(compact, hashEventId('c'))).toBeUndefined();
	});

	it('keeps expiries decades ahead exactly', () => {
		const compact = empty();
		appendRecord(compact, hashEventId('far'), now + 30 * 365 * 24 * 3600);
		expect(findExpiry(compact, hashEventId('far'))).toBe(now + 30 * 365 * 24 * 3600);
	});

	it('rebuilds with live entries only, the latest expiries kept up to the bound', () => {
		const entries: Array<[string, number]> = [
			[hashEventId('expired'), now - 1],
			[hashEventId('soon'), now + 10],
			[hashEventId('later'), now + 20],
			[hashEventId('latest'), now + 30],
		];
		const compact = rebuild(entries, now, 2);
		expect([...records(compact)].map(([hash]) => hash)).toEqual([shortHash(hashEventId('later')), shortHash(hashEventId('latest'))]);
	});

	it('reads the old object form, dropping expired ids, and refuses anything else', () => {
		const legacy = { v: 1, ids: { [hashEventId('kept')]: now + 60, [hashEventId('gone')]: now - 60, bad: 'x' } };
		const compact = readCompact(legacy, now, 100) as CompactIds;
		expect(recordCount(compact)).toBe(1);
		expect(findExpiry(compact, hashEventId('kept'))).toBe(now + 60);
		expect(readCompact('garbage', now, 100)).toBeUndefined();
		expect(readCompact({ v: 3 }, now, 100)).toBeUndefined();
		expect(readCompact(null, now, 100)).toBeUndefined();
	});
});
