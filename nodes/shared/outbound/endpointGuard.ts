/**
 * What stands between a job and its attempt: the endpoint's circuit breaker (may refuse, or make this
 * attempt the probe) and its rate limit (waits for a turn). One guard per run; the stores behind it
 * carry the state across runs, and across processes when they are shared.
 */
import type { CircuitSettings, CircuitState, CircuitStore } from './circuitBreaker';
import { afterOutcome, closedCircuit, gateOf, mergedCount } from './circuitBreaker';
import type { RateStore } from './rateLimit';
import { EndpointLimiter } from './rateLimit';
import type { AttemptOutcome } from './retry';

export type SharedStateStoreKind = 'process' | 'redis' | 'postgres';

/** The node's rate limit and circuit breaker settings; each absent when switched off. */
export interface EndpointSettings {
	rateIntervalMs?: number;
	circuit?: CircuitSettings;
	store: SharedStateStoreKind;
}

export interface EndpointProtection {
	rate?: { store: RateStore; intervalMs: number };
	circuit?: { settings: CircuitSettings; store: CircuitStore };
}

export type Admission =
	| { go: true; probe: boolean; waitedMs: number }
	| { go: false; circuit: CircuitState }
	/** The endpoint asked for a pause longer than the run waits (Retry Later Above): the item goes to Retry Later. */
	| { go: false; pausedUntil: number };

interface CircuitEntry {
	circuit: CircuitState;
	/** What the store held when this run last read or wrote it (null: nothing); a count is saved only over that. */
	basis: CircuitState | null;
	/** Unsaved changes (failure counts); transitions are saved at once. */
	dirty: boolean;
	/** Settles when this run's probe has its answer. */
	probing?: Promise<void>;
	endProbe?: () => void;
}

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The admission of an attempt that nothing holds back (shared, never changed). */
const GO_AT_ONCE: Admission = Object.freeze({ go: true, probe: false, waitedMs: 0 });

/** Loops are bounded: a probe that keeps being handed on cannot hold a worker forever. */
const MAX_GATE_CHECKS = 1_000;
/** A count merged into another run's change is tried again this often (each try follows a change elsewhere). */
const MAX_SAVE_TRIES = 3;

export class EndpointGuard {
	private readonly limiter?: EndpointLimiter;
	private readonly entries = new Map<string, Promise<CircuitEntry>>();

	constructor(
		private readonly protection: EndpointProtection,
		private readonly now: () => number,
		private readonly sleep: Sleep,
		/** How long a probe may take before another user may probe (the request timeout and a margin). */
		private readonly probeHoldMs: number,
	) {
		if (protection.rate) this.limiter = new EndpointLimiter(protection.rate.store, protection.rate.intervalMs, now);
	}

	/** Whether there is anything to guard: a rate limit or a breaker. */
	get protects(): boolean {
		return this.limiter !== undefined || this.protection.circuit !== undefined;
	}

	get hasBreaker(): boolean {
		return this.protection.circuit !== undefined;
	}

	get whenOpen() {
		return this.protection.circuit?.settings.whenOpen;
	}

	/**
	 * Refuses (open circuit), or waits for the endpoint's turn and lets the attempt go, as the probe if one is due.
	 * A rate limit alone with a free turn answers at once, without a promise.
	 */
	admit(origin: string, signal?: AbortSignal, maxWaitMs = Infinity): Admission | Promise<Admission> {
		const paused = this.pausedTooLong(origin, maxWaitMs);
		if (paused) return paused;
		if (this.protection.circuit) return this.admitThroughCircuit(origin, signal, maxWaitMs);
		const waited = this.turn(origin, signal, maxWaitMs);
		// A plain number is a turn free now (waitForTurn answers a wait with a promise).
		if (typeof waited === 'number') return GO_AT_ONCE;
		return waited.then((waitedMs) => this.pausedTooLong(origin, maxWaitMs) ?? { go: true, probe: false, waitedMs });
	}

	private async admitThroughCircuit(origin: string, signal: AbortSignal | undefined, maxWaitMs: number): Promise<Admission> {
		const first = await this.gate(origin);
		if (!first.go) return first;
		const waitedMs = await this.turn(origin, signal, maxWaitMs);
		const paused = this.pausedTooLong(origin, maxWaitMs);
		if (paused) {
			// A probe that will not be sent is given back, so another run can probe.
			await this.release(origin, first);
			return paused;
		}
		if (first.probe) return { ...first, waitedMs };
		// The circuit may have opened while this attempt waited for its turn.
		const again = await this.gate(origin);
		if (!again.go) return again;
		return { go: true, probe: again.probe, waitedMs };
	}

	private pausedTooLong(origin: string, maxWaitMs: number): Admission | undefined {
		const pausedUntil = this.limiter?.pausedLongerThan(origin, maxWaitMs);
		return pausedUntil === undefined ? undefined : { go: false, pausedUntil };
	}

	private turn(origin: string, signal: AbortSignal | undefined, maxWaitMs: number): number | Promise<number> {
		return this.limiter ? this.limiter.waitForTurn(origin, this.sleep, signal, maxWaitMs) : 0;
	}

	private async gate(origin: string): Promise<Admission> {
		if (!this.protection.circuit) return { go: true, probe: false, waitedMs: 0 };
		const entry = await this.entry(origin);
		for (let check = 0; check < MAX_GATE_CHECKS; check++) {
			const gate = gateOf(entry.circuit, this.now());
			if (gate === 'closed') return { go: true, probe: false, waitedMs: 0 };
			if (gate === 'open') return { go: false, circuit: entry.circuit };
			if (entry.probing) {
				await entry.probing;
				continue;
			}
			// Marked before the claim's await, so this run's other workers wait for this probe instead of claiming too.
			entry.probing = new Promise<void>((resolve) => (entry.endProbe = resolve));
			if (await this.protection.circuit.store.claimProbe(origin, this.probeHoldMs)) return { go: true, probe: true, waitedMs: 0 };
			this.endLocalProbe(entry);
			// Another execution is probing: this item waits for a later run, not for that answer.
			const probeAt = new Date(this.now() + this.protection.circuit.settings.probeAfterMs).toISOString();
			return { go: false, circuit: { ...entry.circuit, probeAt } };
		}
		return { go: false, circuit: entry.circuit };
	}

	/** Records an attempt's answer: adaptive slow-down on 429/503, and the circuit's new state. Nothing to wait for on the usual answer. */
	record(origin: string, outcome: AttemptOutcome, probe: boolean, maxDelayMs: number): Promise<void> | undefined {
		const pausing =
			this.limiter && outcome.kind === 'response'
				? this.limiter.onAnswer(origin, outcome.statusCode, outcome.retryAfterMs, maxDelayMs)
				: undefined;
		if (!this.protection.circuit) return pausing;
		return this.recordCircuit(origin, outcome, probe, pausing);
	}

	private async recordCircuit(origin: string, outcome: AttemptOutcome, probe: boolean, pausing: Promise<void> | undefined) {
		await pausing;
		const settings = (this.protection.circuit as NonNullable<EndpointProtection['circuit']>).settings;
		const entry = await this.entry(origin);
		const before = entry.circuit;
		entry.circuit = afterOutcome(before, outcome, settings, this.now(), probe);
		if (before.state !== entry.circuit.state || probe) await this.saveTransition(origin, entry);
		else if (entry.circuit !== before) entry.dirty = true;
		if (probe) await this.endProbe(origin, entry);
	}

	/** A probe that ended without an answer (cancelled, or an internal error): let the others decide again. */
	async release(origin: string, admission: Admission): Promise<void> {
		if (!admission.go || !admission.probe) return;
		const entry = await this.entry(origin);
		if (entry.probing) await this.endProbe(origin, entry);
	}

	/** The circuit as the output shows it; undefined without a breaker or before this origin was seen. */
	async snapshot(origin: string): Promise<CircuitState | undefined> {
		const entry = this.protection.circuit ? this.entries.get(origin) : undefined;
		return entry ? (await entry).circuit : undefined;
	}

	/** Saves what changed without a transition (failure counts), at the end of the run. */
	async flush(): Promise<void> {
		for (const [origin, pending] of this.entries) {
			const entry = await pending;
			if (entry.dirty) await this.saveCount(origin, entry);
		}
	}

	private async endProbe(origin: string, entry: CircuitEntry) {
		this.endLocalProbe(entry);
		await this.protection.circuit?.store.releaseProbe(origin);
	}

	/** Lets this run's workers that wait for the probe decide again. */
	private endLocalProbe(entry: CircuitEntry) {
		const end = entry.endProbe;
		entry.probing = undefined;
		entry.endProbe = undefined;
		end?.();
	}

	/**
	 * A transition (the circuit opening, or a probe's result) is written whatever is stored: it is what
	 * this run just learnt. Only a probe's result closes an open circuit (afterOutcome never does otherwise).
	 */
	private async saveTransition(origin: string, entry: CircuitEntry) {
		entry.dirty = false;
		const circuit = entry.circuit;
		await this.protection.circuit?.store.save(origin, circuit);
		entry.basis = circuit;
	}

	/**
	 * A failure count alone is written only over the state it was counted from. When another run changed
	 * the stored state meanwhile (opened or closed the circuit), that change stays and the counts merge
	 * (mergedCount): a late count must never undo a transition made elsewhere.
	 */
	private async saveCount(origin: string, entry: CircuitEntry) {
		const store = this.protection.circuit?.store;
		if (!store) return;
		entry.dirty = false;
		let next = entry.circuit;
		let ifStill: CircuitState | null | undefined = entry.basis;
		for (let tries = 0; tries < MAX_SAVE_TRIES; tries++) {
			const outcome = await store.save(origin, next, ifStill);
			if (outcome.saved) {
				entry.basis = next;
				break;
			}
			// A stored state nobody can read (undefined) counts as nothing stored: the next try writes over it.
			ifStill = outcome.stored;
			if (!outcome.stored) continue;
			entry.basis = outcome.stored;
			next = mergedCount(outcome.stored, entry.circuit);
			if (next === outcome.stored) break;
		}
		entry.circuit = next;
	}

	private entry(origin: string): Promise<CircuitEntry> {
		let entry = this.entries.get(origin);
		if (!entry) {
			const store = this.protection.circuit?.store;
			entry = (store ? store.load(origin) : Promise.resolve(undefined)).then((circuit) => ({
				circuit: circuit ?? closedCircuit(this.now()),
				basis: circuit ?? null,
				dirty: false,
			}));
			this.entries.set(origin, entry);
		}
		return entry;
	}
}
