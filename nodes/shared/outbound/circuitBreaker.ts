/**
 * Circuit breaker per endpoint: after enough consecutive failures (or at once on 410 Gone) the node
 * stops sending to that origin. Items meant for it leave at once for Retry Later (or Failed) with the
 * reason. Once the probe time has come, one request goes first; its success closes the circuit, its
 * failure keeps it open for another wait. The state is plain JSON, so any store can keep it.
 */
import type { AttemptOutcome } from './retry';

export type CircuitWhenOpen = 'retryLater' | 'failed';

export interface CircuitSettings {
	/** Consecutive failed attempts that open the circuit. */
	failureThreshold: number;
	/** How long an open circuit refuses before one probe is let through. */
	probeAfterMs: number;
	whenOpen: CircuitWhenOpen;
	/**
	 * Whether one 410 Gone opens the circuit at once (the default). Only for a fixed URL: with a URL per
	 * item, a 410 may be about one deleted record, and the circuit covers the whole origin.
	 */
	goneOpensAtOnce?: boolean;
}

export interface CircuitState {
	state: 'closed' | 'open';
	consecutiveFailures: number;
	/** When the circuit opened (ISO time). */
	openedAt?: string;
	/** From then on, one probe may go. */
	probeAt?: string;
	/** What opened it, in words. */
	reason?: string;
	updatedAt: string;
}

/** What the breaker allows right now. */
export type Gate = 'closed' | 'open' | 'probe';

export const closedCircuit = (nowMs: number): CircuitState => ({
	state: 'closed',
	consecutiveFailures: 0,
	updatedAt: new Date(nowMs).toISOString(),
});

/**
 * A failure is an answer that says the endpoint is not working: no answer (network error, timeout)
 * or a 5xx. A 429 is the receiver working as designed, and other 4xx concern the request, not the endpoint.
 */
export function isEndpointFailure(outcome: AttemptOutcome): boolean {
	return outcome.kind === 'error' || outcome.statusCode >= 500;
}

const describeOutcome = (outcome: AttemptOutcome) => (outcome.kind === 'error' ? outcome.code : `HTTP ${outcome.statusCode}`);

export function gateOf(circuit: CircuitState, nowMs: number): Gate {
	if (circuit.state === 'closed') return 'closed';
	return Date.parse(circuit.probeAt ?? '') <= nowMs ? 'probe' : 'open';
}

/** The state after one attempt's outcome. A probe's failure opens the circuit again, whatever the count. */
export function afterOutcome(
	circuit: CircuitState,
	outcome: AttemptOutcome,
	settings: CircuitSettings,
	nowMs: number,
	wasProbe = false,
): CircuitState {
	const updatedAt = new Date(nowMs).toISOString();
	if (outcome.kind === 'response' && outcome.statusCode === 410 && settings.goneOpensAtOnce !== false) {
		return openCircuit(circuit.consecutiveFailures + 1, '410 Gone: the receiver says this endpoint no longer exists', settings, nowMs);
	}
	if (!isEndpointFailure(outcome)) {
		// An answer from an open circuit's endpoint outside a probe (sent before it opened) proves little: keep it open.
		if (circuit.state === 'open' && !wasProbe) return circuit;
		return { state: 'closed', consecutiveFailures: 0, updatedAt };
	}
	const failures = circuit.consecutiveFailures + 1;
	if (wasProbe) return openCircuit(failures, `the probe failed (${describeOutcome(outcome)})`, settings, nowMs);
	if (circuit.state === 'open') return { ...circuit, consecutiveFailures: failures, updatedAt };
	if (failures >= settings.failureThreshold) {
		return openCircuit(failures, `${failures} consecutive failures, the last ${describeOutcome(outcome)}`, settings, nowMs);
	}
	return { ...circuit, consecutiveFailures: failures, updatedAt };
}

function openCircuit(failures: number, reason: string, settings: CircuitSettings, nowMs: number): CircuitState {
	const now = new Date(nowMs).toISOString();
	return {
		state: 'open',
		consecutiveFailures: failures,
		openedAt: now,
		probeAt: new Date(nowMs + settings.probeAfterMs).toISOString(),
		reason,
		updatedAt: now,
	};
}

/** The sentence an item refused by an open circuit carries. */
export function refusalMessage(origin: string, circuit: CircuitState, whenOpen: CircuitWhenOpen): string {
	const next =
		whenOpen === 'retryLater'
			? ` One probe request will be sent from ${circuit.probeAt}; the item waits in Retry Later at least until then.`
			: '';
	return `Not sent: the circuit breaker for ${origin} is open since ${circuit.openedAt} (${circuit.reason}).${next}`;
}

/** A save's result: written, or refused because the stored state was no longer the one expected (here is what is stored). */
export type SaveOutcome = { saved: true } | { saved: false; stored: CircuitState | undefined };

/**
 * Where circuits are kept between executions. `claimProbe` lets exactly one user probe an endpoint
 * for `holdMs`; stores shared by several processes make that atomic.
 */
export interface CircuitStore {
	load(key: string): Promise<CircuitState | undefined>;
	/**
	 * Writes `circuit`. With `ifStill`, atomically and only while the stored state is still that one
	 * (null: nothing stored); nothing stored counts as unchanged, since it reads as a closed circuit.
	 */
	save(key: string, circuit: CircuitState, ifStill?: CircuitState | null): Promise<SaveOutcome>;
	claimProbe(key: string, holdMs: number): Promise<boolean>;
	/** Gives a probe claim back once the probe has its answer. */
	releaseProbe(key: string): Promise<void>;
}

/**
 * A failure count saved after another run changed the stored state: that change stays (an open circuit
 * stays open, a closed one closed) and takes the higher count, since the two runs' counts overlap.
 */
export function mergedCount(stored: CircuitState, mine: CircuitState): CircuitState {
	if (stored.state !== mine.state || stored.consecutiveFailures >= mine.consecutiveFailures) return stored;
	return { ...stored, consecutiveFailures: mine.consecutiveFailures, updatedAt: mine.updatedAt };
}

/** The same state, as stores compare them (their JSON). */
export const sameCircuit = (a: CircuitState | undefined | null, b: CircuitState | undefined | null) =>
	JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The newer of two states (by updatedAt); either may be missing. */
export function newerCircuit(a: CircuitState | undefined, b: CircuitState | undefined): CircuitState | undefined {
	if (!a) return b;
	if (!b) return a;
	return Date.parse(b.updatedAt) > Date.parse(a.updatedAt) ? b : a;
}

/** Reads a stored state back; anything malformed counts as absent (a closed circuit). */
export function parseCircuit(value: unknown): CircuitState | undefined {
	const data = typeof value === 'string' ? safeJson(value) : value;
	if (!data || typeof data !== 'object') return undefined;
	const circuit = data as Partial<CircuitState>;
	if ((circuit.state !== 'open' && circuit.state !== 'closed') || typeof circuit.updatedAt !== 'string') return undefined;
	if (circuit.state === 'open' && Number.isNaN(Date.parse(circuit.probeAt ?? ''))) return undefined;
	return { ...circuit, consecutiveFailures: Number(circuit.consecutiveFailures) || 0 } as CircuitState;
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
