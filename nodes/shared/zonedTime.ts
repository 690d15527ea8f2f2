import { BoundedCache } from './boundedCache';

/**
 * n8n's date pickers store a wall-clock time with no offset ("2026-12-31T18:00:00"), which n8n's own
 * nodes read in the workflow's time zone. `Date.parse` would read it in the n8n process's zone
 * instead (often UTC in a container), hours away from what the user picked.
 */
const HAS_OFFSET = /\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * The instant, in ms, that a date-time value names: as written when it carries an offset, else in `timeZone`.
 * A time the clocks skip is read with the offset before the change; of an hour they repeat, the first. NaN when unreadable.
 */
export function instantOfDateTime(value: string, timeZone: string): number {
	const trimmed = value.trim().replace(' ', 'T');
	if (HAS_OFFSET.test(trimmed)) return Date.parse(trimmed);
	const wallClock = Date.parse(DATE_ONLY.test(trimmed) ? `${trimmed}T00:00:00Z` : `${trimmed}Z`);
	if (!Number.isFinite(wallClock)) return NaN;
	// The zone's offsets a day either side cover a daylight-saving change near the time.
	const before = wallClock - offsetMs(wallClock - DAY_MS, timeZone);
	const after = wallClock - offsetMs(wallClock + DAY_MS, timeZone);
	const fits = [before, after].filter((instant) => wallClock - offsetMs(instant, timeZone) === instant);
	return fits.length > 0 ? Math.min(...fits) : before;
}

/** n8n's own fallback when GENERIC_TIMEZONE is not set. */
const N8N_DEFAULT_ZONE = 'America/New_York';

/**
 * The zone a workflow's times are read in: `context.getTimezone()`, except that a workflow imported or created
 * through n8n's API may hold 'DEFAULT', which n8n's own schedule and poll triggers read as the instance's zone.
 */
export function workflowZone(timeZone: string | undefined, env: Record<string, string | undefined> = process.env): string {
	if (timeZone && timeZone !== 'DEFAULT') return timeZone;
	return env.GENERIC_TIMEZONE || N8N_DEFAULT_ZONE;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instantMs`; 0 for a zone this runtime does not know. */
function offsetMs(instantMs: number, timeZone: string): number {
	let parts: Intl.DateTimeFormatPart[];
	try {
		parts = zoneFormat(timeZone).formatToParts(new Date(instantMs));
	} catch {
		return 0;
	}
	const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
	const wallClock = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
	return wallClock - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/** Making a formatter costs far more than using one. Zones come from workflow settings: a few per instance. */
const formats = new BoundedCache<string, Intl.DateTimeFormat>(32);

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
	let format = formats.get(timeZone);
	if (!format) {
		const parts = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const;
		format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...parts });
		formats.set(timeZone, format);
	}
	return format;
}
