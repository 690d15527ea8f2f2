import { BoundedCache } from '../boundedCache';

/** A claim to undo: the keys a request claimed under its token, answered 503 before it was accepted. */
export interface Release {
	keys: string[];
	token: string;
}

/** Give-backs kept for a later try; the oldest are dropped past this. */
const MAX_RELEASES = 1_000;

/**
 * Give-backs the store could not run yet (it was down). Until they run, a sender's retry of such an event
 * would find its id held and be taken for a duplicate, so they run before any new claim. They belong to
 * the store's settings, not to one connection: a store closed and opened again (a test run ended, the
 * workflow was deactivated and published again) takes them over.
 */
export class ReleaseBacklog {
	private readonly releases: Release[] = [];

	get size(): number {
		return this.releases.length;
	}

	add(release: Release): void {
		this.releases.push(release);
		if (this.releases.length > MAX_RELEASES) this.releases.shift();
	}

	/** Every kept give-back, leaving none: the caller adds back those that fail again. */
	takeAll(): Release[] {
		return this.releases.splice(0);
	}
}

/** One backlog per store settings (the registry's hashed key); few settings exist, so the bound is loose. */
const backlogs = new BoundedCache<string, ReleaseBacklog>(256);

export function backlogFor(settingsKey: string): ReleaseBacklog {
	let backlog = backlogs.get(settingsKey);
	if (!backlog) {
		backlog = new ReleaseBacklog();
		backlogs.set(settingsKey, backlog);
	}
	return backlog;
}
