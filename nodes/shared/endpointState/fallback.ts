import type { CircuitState, CircuitStore, SaveOutcome } from '../outbound/circuitBreaker';
import type { RateStore } from '../outbound/rateLimit';
import type { SharedEndpointState } from './types';

/**
 * A shared store seen by one node: circuit keys get the node's scope, and whenever the store cannot
 * answer, this process's own state answers instead, for the rest of the run (so an unreachable Redis
 * costs one timeout and opens no circuit by itself). `onUnavailable` hears of the failure, to log it.
 */
export class SharedWithFallback implements RateStore, CircuitStore {
	constructor(
		private readonly shared: SharedEndpointState,
		private readonly scope: string,
		private readonly local: { rate: RateStore; circuits: CircuitStore },
		private readonly onUnavailable: (error: Error) => void,
	) {}

	/** Set once the shared store failed: the rest of the run uses local state, not a timeout per request. */
	private unavailable = false;

	private async either<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
		if (this.unavailable) return await local();
		try {
			return await shared();
		} catch (error) {
			this.unavailable = true;
			this.onUnavailable(error as Error);
			return await local();
		}
	}

	async take(key: string, intervalMs: number): Promise<number> {
		return await this.either(
			async () => await this.shared.take(key, intervalMs),
			async () => await this.local.rate.take(key, intervalMs),
		);
	}

	async pause(key: string, pauseMs: number): Promise<void> {
		await this.either(
			async () => await this.shared.pause(key, pauseMs),
			async () => await this.local.rate.pause(key, pauseMs),
		);
	}

	async load(origin: string): Promise<CircuitState | undefined> {
		return await this.either(
			async () => await this.shared.load(this.scope + origin),
			async () => await this.local.circuits.load(origin),
		);
	}

	async save(origin: string, circuit: CircuitState, ifStill?: CircuitState | null): Promise<SaveOutcome> {
		return await this.either(
			async () => await this.shared.save(this.scope + origin, circuit, ifStill),
			async () => await this.local.circuits.save(origin, circuit, ifStill),
		);
	}

	async claimProbe(origin: string, holdMs: number): Promise<boolean> {
		return await this.either(
			async () => await this.shared.claimProbe(this.scope + origin, holdMs),
			async () => await this.local.circuits.claimProbe(origin, holdMs),
		);
	}

	async releaseProbe(origin: string): Promise<void> {
		await this.either(
			async () => await this.shared.releaseProbe(this.scope + origin),
			async () => await this.local.circuits.releaseProbe(origin),
		);
	}
}
