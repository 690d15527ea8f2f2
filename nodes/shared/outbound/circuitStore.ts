/**
 * Circuits kept without a shared store: in this process's memory (every execution of the process sees
 * a change at once, manual runs included) and in the node's workflow static data, which n8n saves
 * after each production execution, so an open circuit survives a restart.
 */
import type { CircuitState, CircuitStore, SaveOutcome } from './circuitBreaker';
import { newerCircuit, parseCircuit, sameCircuit } from './circuitBreaker';

/** Endpoints kept in static data per node; the oldest closed ones go first past this. */
export const MAX_STORED_CIRCUITS = 100;

const processCircuits = new Map<string, CircuitState>();
const processProbes = new Map<string, number>();

type StaticData = Record<string, unknown>;

export class LocalCircuitStore implements CircuitStore {
	/**
	 * @param scope names the node (workflow and node id), so nodes keep separate circuits.
	 * @param staticData the node's workflow static data, or undefined where there is none.
	 */
	constructor(
		private readonly scope: string,
		private readonly staticData: StaticData | undefined,
		private readonly now: () => number = Date.now,
	) {}

	private stored(): Record<string, unknown> {
		const circuits = this.staticData?.circuits;
		return circuits && typeof circuits === 'object' ? (circuits as Record<string, unknown>) : {};
	}

	async load(origin: string): Promise<CircuitState | undefined> {
		return this.current(origin);
	}

	private current(origin: string): CircuitState | undefined {
		return newerCircuit(processCircuits.get(this.scope + origin), parseCircuit(this.stored()[origin]));
	}

	/** Compares and writes with no await in between: atomic for every execution of this process. */
	async save(origin: string, circuit: CircuitState, ifStill?: CircuitState | null): Promise<SaveOutcome> {
		const current = this.current(origin);
		if (ifStill !== undefined && current && !sameCircuit(current, ifStill)) return { saved: false, stored: current };
		processCircuits.set(this.scope + origin, circuit);
		if (this.staticData) this.saveInStaticData(this.staticData, origin, circuit);
		return { saved: true };
	}

	private saveInStaticData(staticData: StaticData, origin: string, circuit: CircuitState) {
		// Another execution of this process may have saved newer states since this one loaded static data.
		const merged: Record<string, CircuitState> = {};
		for (const [key, value] of Object.entries(this.stored())) {
			const newest = newerCircuit(parseCircuit(value), processCircuits.get(this.scope + key));
			if (newest) merged[key] = newest;
		}
		// Circuits this process saved that this execution's static data never held (it loaded before they existed).
		for (const [key, value] of processCircuits) if (key.startsWith(this.scope)) merged[key.slice(this.scope.length)] ??= value;
		merged[origin] = circuit;
		// Assigning (not mutating) is what flags n8n's static data as changed, so it is saved.
		staticData.circuits = pruned(merged);
	}

	async claimProbe(origin: string, holdMs: number): Promise<boolean> {
		const key = this.scope + origin;
		const now = this.now();
		if ((processProbes.get(key) ?? 0) > now) return false;
		processProbes.set(key, now + holdMs);
		if (processProbes.size > 1_000) for (const [held, until] of processProbes) if (until <= now) processProbes.delete(held);
		return true;
	}

	async releaseProbe(origin: string): Promise<void> {
		processProbes.delete(this.scope + origin);
	}
}

/** Keeps every open circuit and the most recently changed closed ones, up to the limit. */
function pruned(circuits: Record<string, CircuitState>): Record<string, CircuitState> {
	const entries = Object.entries(circuits);
	if (entries.length <= MAX_STORED_CIRCUITS) return circuits;
	entries.sort(
		([, a], [, b]) => Number(b.state === 'open') - Number(a.state === 'open') || Date.parse(b.updatedAt) - Date.parse(a.updatedAt),
	);
	return Object.fromEntries(entries.slice(0, MAX_STORED_CIRCUITS));
}

/** Forgets this process's circuits (tests start clean with it). */
export function resetProcessCircuits(): void {
	processCircuits.clear();
	processProbes.clear();
}
