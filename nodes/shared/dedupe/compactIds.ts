/**
 * The static-data store's stored form: one string of fixed-width records instead of an object of
 * 22-character keys. n8n rewrites a workflow's whole static data after every request, so its size is
 * paid per accepted event; a record is 15 characters (a 10-character hash prefix, 60 bits, and the
 * expiry as 5 base64url digits of seconds after `base`), about 1.5 MB at 100,000 ids instead of 3.8 MB.
 */
export const HASH_CHARS = 10;
const EXPIRY_CHARS = 5;
export const RECORD_CHARS = HASH_CHARS + EXPIRY_CHARS;
const MAX_OFFSET = 64 ** EXPIRY_CHARS - 1;
const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE_OF = new Map([...DIGITS].map((digit, value) => [digit, value]));

export interface CompactIds {
	v: 2;
	/** Unix seconds the expiries count from. */
	base: number;
	/** Records: hash prefix + expiry offset. */
	ids: string;
	/** Process → the last of its record numbers this copy holds (see DedupeStore). */
	marks?: Record<string, number>;
}

/** The form before: hashed id → expiry (unix seconds). Still read, rewritten as CompactIds. */
export interface LegacyIds {
	v: 1;
	ids: Record<string, number>;
	marks?: Record<string, number>;
}

export const shortHash = (hash: string) => hash.slice(0, HASH_CHARS);

/** Base64url digit codes, for building a record's expiry as one string rather than a string per digit. */
const DIGIT_CODES = [...DIGITS].map((digit) => digit.charCodeAt(0));

/** The base64url digit of `value` worth 64^place, as a character code. */
const digitCode = (value: number, place: number) => DIGIT_CODES[Math.floor(value / 64 ** place) % 64];

/** The EXPIRY_CHARS (5) digits of an offset, most significant first. */
function encodeOffset(offset: number): string {
	const value = Math.min(MAX_OFFSET, Math.max(0, Math.round(offset)));
	return String.fromCharCode(digitCode(value, 4), digitCode(value, 3), digitCode(value, 2), digitCode(value, 1), digitCode(value, 0));
}

function decodeOffset(ids: string, at: number): number {
	let value = 0;
	for (let index = at; index < at + EXPIRY_CHARS; index++) value = value * 64 + (VALUE_OF.get(ids[index]) ?? 0);
	return value;
}

export const recordCount = (compact: CompactIds) => Math.floor(compact.ids.length / RECORD_CHARS);

export function appendRecord(compact: CompactIds, hash: string, expiresAt: number) {
	compact.ids += shortHash(hash) + encodeOffset(expiresAt - compact.base);
}

/** Every record as [hash prefix, expiry], in stored order. */
export function* records(compact: CompactIds): Generator<[string, number]> {
	const end = recordCount(compact) * RECORD_CHARS;
	for (let at = 0; at < end; at += RECORD_CHARS) {
		yield [compact.ids.slice(at, at + HASH_CHARS), compact.base + decodeOffset(compact.ids, at + HASH_CHARS)];
	}
}

/** A fresh copy of the live entries, the latest `maxEntries` expiries kept, counted from `now`. */
export function rebuild(entries: Iterable<[string, number]>, now: number, maxEntries: number, marks?: Record<string, number>): CompactIds {
	const live = new Map<string, number>();
	for (const [hash, expiresAt] of entries) {
		const prefix = shortHash(hash);
		if (expiresAt > now && expiresAt > (live.get(prefix) ?? 0)) live.set(prefix, expiresAt);
	}
	let kept = [...live];
	if (kept.length > maxEntries)
		kept = kept
			.sort((a, b) => b[1] - a[1])
			.slice(0, maxEntries)
			.reverse();
	const compact: CompactIds = { v: 2, base: now, ids: '', ...(marks ? { marks } : {}) };
	compact.ids = kept.map(([prefix, expiresAt]) => prefix + encodeOffset(expiresAt - now)).join('');
	return compact;
}

/** Reads what static data holds: the compact form as is, the old form converted, anything else as empty. */
export function readCompact(value: unknown, now: number, maxEntries: number): CompactIds | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const stored = value as Partial<CompactIds> | Partial<LegacyIds>;
	if (stored.v === 2 && typeof stored.ids === 'string' && typeof stored.base === 'number') return stored as CompactIds;
	if (stored.v === 1 && typeof stored.ids === 'object' && stored.ids !== null) {
		const entries = Object.entries(stored.ids).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
		return rebuild(entries, now, maxEntries);
	}
	return undefined;
}
