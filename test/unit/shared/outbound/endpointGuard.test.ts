import { LocalCircuitStore, resetProcessCircuits } from '../../../../nodes/shared/outbound/circuitStore';
import { EndpointGuard } from '../../../../nodes/shared/outbound/endpointGuard';
import { ProcessRateStore } from '../../../../nodes/shared/outbound/rateLimit';

const ORIGIN = 'https://crm.example';
const ok = { kind: 'response', statusCode: 200 } as const;
const down = { kind: 'response', statusCode: 503 } as const;

function clock() {
	let now = 1_000_000;
	const slept: number[] = [];
	return {
		now: () => now,
		slept,
		sleep: async (ms: number) => {
			slept.push(ms);
			now += ms;
		},
	};
}

afterEach(() => resetProcessCircuits());

describe('EndpointGuard', () => {
	it('with a rate limit alone, admits a free turn at once (no promise) and records a 200 with nothing to wait for', () => {
		const time = clock();
		const guard = new EndpointGuard({ rate: { store: new ProcessRateStore(time.now), intervalMs: 10 } }, time.now, time.sleep, 5_000);
		expect(guard.admit(ORIGIN)).toEqual({ go: true, probe: false, waitedMs: 0 });
		expect(guard.protects).toBe(true);
		expect(guard.record(ORIGIN, ok, false, 60_000)).toBeUndefined();
	});

	it('without a rate limit or breaker, protects nothing and lets every attempt go at once', () => {
		const time = clock();
		const guard = new EndpointGuard({}, time.now, time.sleep, 5_000);
		expect(guard.protects).toBe(false);
		for (let attempt = 0; attempt < 3; attempt++) expect(guard.admit(ORIGIN)).toEqual({ go: true, probe: false, waitedMs: 0 });
		expect(guard.record(ORIGIN, down, false, 60_000)).toBeUndefined();
		expect(time.slept).toEqual([]);
	});

	it('with a rate limit alone, a turn to wait for resolves with the wait', async () => {
		const time = clock();
		const guard = new EndpointGuard({ rate: { store: new ProcessRateStore(time.now), intervalMs: 10 } }, time.now, time.sleep, 5_000);
		guard.admit(ORIGIN);
		await expect(guard.admit(ORIGIN)).resolves.toEqual({ go: true, probe: false, waitedMs: 10 });
		expect(time.slept).toEqual([10]);
	});

	it('with a breaker, refuses once the failures open the circuit, and a 429 still pauses the endpoint', async () => {
		const time = clock();
		const guard = new EndpointGuard(
			{
				rate: { store: new ProcessRateStore(time.now), intervalMs: 1 },
				circuit: {
					settings: { failureThreshold: 2, probeAfterMs: 30_000, whenOpen: 'retryLater' },
					store: new LocalCircuitStore('wf|node', {}, time.now),
				},
			},
			time.now,
			time.sleep,
			5_000,
		);
		await guard.record(ORIGIN, { kind: 'response', statusCode: 429, retryAfterMs: 2_000 }, false, 60_000);
		await expect(guard.admit(ORIGIN)).resolves.toMatchObject({ go: true, waitedMs: 2_000 });
		for (let failure = 0; failure < 2; failure++) await guard.record(ORIGIN, down, false, 60_000);
		await expect(guard.admit(ORIGIN)).resolves.toMatchObject({ go: false, circuit: { state: 'open' } });
	});

	it('does not wait out a pause longer than the run waits (Retry Later Above): it says until when, and waits out a shorter one', async () => {
		const time = clock();
		const guard = new EndpointGuard({ rate: { store: new ProcessRateStore(time.now), intervalMs: 100 } }, time.now, time.sleep, 5_000);
		await guard.record(ORIGIN, { kind: 'response', statusCode: 429, retryAfterMs: 3_600_000 }, false, 3_600_000);
		expect(guard.admit(ORIGIN, undefined, 65_000)).toEqual({ go: false, pausedUntil: 1_000_000 + 3_600_000 });
		expect(time.slept).toEqual([]);
		await expect(guard.admit(ORIGIN, undefined, 4_000_000)).resolves.toMatchObject({ go: true, waitedMs: 3_600_000 });
	});
});

describe('EndpointGuard: circuits saved by concurrent runs of one process', () => {
	const settings = { failureThreshold: 3, probeAfterMs: 60_000, whenOpen: 'retryLater' as const };
	const run = (time: ReturnType<typeof clock>) =>
		new EndpointGuard({ circuit: { settings, store: new LocalCircuitStore('wf|node', {}, time.now) } }, time.now, time.sleep, 5_000);

	it('a run that only counted a failure does not close, at its end, a circuit another run opened meanwhile', async () => {
		const time = clock();
		const [runB, runA] = [run(time), run(time)];
		await expect(runB.admit(ORIGIN)).resolves.toMatchObject({ go: true });
		await runB.record(ORIGIN, down, false, 60_000);
		await expect(runA.admit(ORIGIN)).resolves.toMatchObject({ go: true });
		for (let failure = 0; failure < 3; failure++) await runA.record(ORIGIN, down, false, 60_000);
		await runB.flush();
		await expect(run(time).admit(ORIGIN)).resolves.toMatchObject({ go: false, circuit: { state: 'open', consecutiveFailures: 3 } });
		// The run's output shows the circuit as stored, not its own stale copy.
		await expect(runB.snapshot(ORIGIN)).resolves.toMatchObject({ state: 'open' });
	});

	it('counts merge: the higher of two runs’ counts is kept, and a count saved over what it read is written', async () => {
		const time = clock();
		const [runA, runB] = [run(time), run(time)];
		await Promise.all([runA.admit(ORIGIN), runB.admit(ORIGIN)]);
		for (let failure = 0; failure < 2; failure++) await runA.record(ORIGIN, down, false, 60_000);
		await runB.record(ORIGIN, down, false, 60_000);
		await runA.flush();
		await runB.flush();
		await expect(new LocalCircuitStore('wf|node', {}).load(ORIGIN)).resolves.toMatchObject({ state: 'closed', consecutiveFailures: 2 });
		const runC = run(time);
		await runC.admit(ORIGIN);
		await runC.record(ORIGIN, ok, false, 60_000);
		await runC.flush();
		await expect(new LocalCircuitStore('wf|node', {}).load(ORIGIN)).resolves.toMatchObject({ state: 'closed', consecutiveFailures: 0 });
	});

	it('a probe’s success closes the circuit whatever another run stored meanwhile', async () => {
		const time = clock();
		const opener = run(time);
		await opener.admit(ORIGIN);
		for (let failure = 0; failure < 3; failure++) await opener.record(ORIGIN, down, false, 60_000);
		await time.sleep(60_000);
		const prober = run(time);
		const admission = await prober.admit(ORIGIN);
		expect(admission).toMatchObject({ go: true, probe: true });
		// A run that loaded the open circuit counts a late failure of a request sent before it opened.
		const late = run(time);
		await late.admit(ORIGIN);
		await late.record(ORIGIN, down, false, 60_000);
		await prober.record(ORIGIN, ok, true, 60_000);
		await late.flush();
		await expect(new LocalCircuitStore('wf|node', {}).load(ORIGIN)).resolves.toMatchObject({ state: 'closed', consecutiveFailures: 0 });
	});
});
