import type { CircuitSettings } from '../../../../nodes/shared/outbound/circuitBreaker';
import {
	afterOutcome,
	closedCircuit,
	gateOf,
	isEndpointFailure,
	mergedCount,
	newerCircuit,
	parseCircuit,
	refusalMessage,
} from '../../../../nodes/shared/outbound/circuitBreaker';
import type { AttemptOutcome } from '../../../../nodes/shared/outbound/retry';

const settings: CircuitSettings = { failureThreshold: 3, probeAfterMs: 60_000, whenOpen: 'retryLater' };
const status = (statusCode: number): AttemptOutcome => ({ kind: 'response', statusCode });
const refused: AttemptOutcome = { kind: 'error', code: 'ECONNREFUSED', timeout: false, retryable: true };
const T0 = Date.parse('2026-12-05T00:00:00.000Z');

describe('isEndpointFailure', () => {
	it('counts network errors, timeouts and 5xx; not 429 or other 4xx', () => {
		expect(isEndpointFailure(refused)).toBe(true);
		expect(isEndpointFailure({ kind: 'error', code: 'ETIMEDOUT', timeout: true, retryable: true })).toBe(true);
		expect(isEndpointFailure(status(503))).toBe(true);
		expect(isEndpointFailure(status(429))).toBe(false);
		expect(isEndpointFailure(status(400))).toBe(false);
		expect(isEndpointFailure(status(200))).toBe(false);
	});
});

describe('afterOutcome', () => {
	it('opens after the configured consecutive failures, with the reason and the probe time', () => {
		let circuit = closedCircuit(T0);
		circuit = afterOutcome(circuit, refused, settings, T0);
		circuit = afterOutcome(circuit, status(502), settings, T0);
		expect(circuit.state).toBe('closed');
		circuit = afterOutcome(circuit, status(503), settings, T0 + 10);
		expect(circuit).toEqual({
			state: 'open',
			consecutiveFailures: 3,
			openedAt: '2026-12-05T00:00:00.010Z',
			probeAt: '2026-12-05T00:01:00.010Z',
			reason: '3 consecutive failures, the last HTTP 503',
			updatedAt: '2026-12-05T00:00:00.010Z',
		});
	});

	it('a success in between starts the count again', () => {
		let circuit = closedCircuit(T0);
		for (const outcome of [refused, refused, status(200), refused, refused]) circuit = afterOutcome(circuit, outcome, settings, T0);
		expect(circuit).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
	});

	it('counts a 410 to a URL that varies per item as no failure of the origin', () => {
		const perItem = { ...settings, goneOpensAtOnce: false };
		expect(afterOutcome(closedCircuit(T0), status(410), perItem, T0)).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
	});

	it('opens at once on 410 Gone', () => {
		const circuit = afterOutcome(closedCircuit(T0), status(410), settings, T0);
		expect(circuit).toMatchObject({ state: 'open', reason: '410 Gone: the receiver says this endpoint no longer exists' });
	});

	it('a successful probe closes the circuit; a failed one keeps it open for another wait', () => {
		const open = afterOutcome(closedCircuit(T0), status(410), settings, T0);
		expect(afterOutcome(open, status(200), settings, T0 + 70_000, true)).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
		const again = afterOutcome(open, refused, settings, T0 + 70_000, true);
		expect(again).toMatchObject({
			state: 'open',
			reason: 'the probe failed (ECONNREFUSED)',
			probeAt: new Date(T0 + 130_000).toISOString(),
		});
	});

	it('an answer that was not the probe does not close an open circuit', () => {
		const open = afterOutcome(closedCircuit(T0), status(410), settings, T0);
		expect(afterOutcome(open, status(200), settings, T0 + 1)).toBe(open);
	});
});

describe('gateOf', () => {
	it('refuses while open, lets one probe once the probe time has come', () => {
		const open = afterOutcome(closedCircuit(T0), status(410), settings, T0);
		expect(gateOf(closedCircuit(T0), T0)).toBe('closed');
		expect(gateOf(open, T0 + 59_999)).toBe('open');
		expect(gateOf(open, T0 + 60_000)).toBe('probe');
	});
});

describe('stored states', () => {
	it('reads back what it wrote, and takes anything malformed for absent', () => {
		const open = afterOutcome(closedCircuit(T0), status(410), settings, T0);
		expect(parseCircuit(JSON.stringify(open))).toEqual(open);
		expect(parseCircuit(open)).toEqual(open);
		expect(parseCircuit('{not json')).toBeUndefined();
		expect(parseCircuit({ state: 'open', updatedAt: 'x' })).toBeUndefined();
		expect(parseCircuit({ state: 'half', updatedAt: new Date().toISOString() })).toBeUndefined();
	});

	it('newerCircuit keeps the later change', () => {
		const older = closedCircuit(T0);
		const newer = afterOutcome(older, status(410), settings, T0 + 1);
		expect(newerCircuit(older, newer)).toBe(newer);
		expect(newerCircuit(newer, older)).toBe(newer);
		expect(newerCircuit(undefined, older)).toBe(older);
	});

	it('mergedCount keeps a change made elsewhere (the state), with the higher failure count', () => {
		const open = afterOutcome(closedCircuit(T0), status(410), settings, T0);
		const counted = { ...closedCircuit(T0 + 5), consecutiveFailures: 2 };
		expect(mergedCount(open, counted)).toBe(open);
		expect(mergedCount(closedCircuit(T0), counted)).toEqual({ ...closedCircuit(T0), consecutiveFailures: 2, updatedAt: counted.updatedAt });
		expect(mergedCount(counted, closedCircuit(T0 + 9))).toBe(counted);
	});

	it('the refusal names the endpoint, since when, why and when the probe goes', () => {
		const open = afterOutcome(closedCircuit(T0), status(410), settings, T0);
		expect(refusalMessage('https://crm.example', open, 'retryLater')).toBe(
			'Not sent: the circuit breaker for https://crm.example is open since 2026-12-05T00:00:00.000Z (410 Gone: the receiver says this endpoint no longer exists). One probe request will be sent from 2026-12-05T00:01:00.000Z; the item waits in Retry Later at least until then.',
		);
	});
});
