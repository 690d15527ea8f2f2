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
	/** The give-backs being sent, by whichever store sends them: a claim on another connection must not overtake them. */
	private draining?: Promise<void>;

	/** Give-backs kept and not being sent. */
	get size(): number {
		return this.releases.length;
	}

	/** Whether a claim must wait: give-backs are kept, or being sent. */
	get busy(): boolean {
		return this.releases.length > 0 || this.draining !== undefined;
	}

	add(release: Release): void {
		this.releases.push(release);
		if (this.releases.length > MAX_RELEASES) this.releases.shift();
	}

	/**
	 * Sends every kept give-back with `send`, one sending at a time for all stores sharing this backlog. A call
	 * made while another sends waits for that sending and returns (it does not queue a sending of its own, so
	 * callers do not pile up while the store is down): callers check `busy` after. Those `send` fails on are
	 * kept, ahead of newer ones (a give-back is safe to repeat).
	 */
	async drain(send: (releases: Release[]) => Promise<void>): Promise<void> {
		if (this.draining) return await this.draining;
		if (this.releases.length === 0) return;
		const releases = this.releases.splice(0);
		this.draining = send(releases)
			.catch(() => {
				this.releases.unshift(...releases);
				this.releases.splice(0, Math.max(0, this.releases.length - MAX_RELEASES));
			})
			.finally(() => (this.draining = undefined));
		await this.draining;
	}
}

/** One backlog per store settings (the registry's hashed key); few settings exist, so the bound is loose. */
const backlogs = new BoundedCache<string, ReleaseBacklog>(256);

export const backlogFor = (settingsKey: string): ReleaseBacklog => backlogs.getOrCreate(settingsKey, () => new ReleaseBacklog());
