import { afterOutcome, closedCircuit } from '../../../../nodes/shared/outbound/circuitBreaker';
import { LocalCircuitStore, MAX_STORED_CIRCUITS, resetProcessCircuits } from '../../../../nodes/shared/outbound/circuitStore';

const settings = { failureThreshold: 1, probeAfterMs: 60_000, whenOpen: 'retryLater' as const };
const gone = (ms: number) => afterOutcome(closedCircuit(ms), { kind: 'response', statusCode: 410 }, settings, ms);

beforeEach(() => resetProcessCircuits());

describe('LocalCircuitStore', () => {
	it('keeps a circuit in static data, which a new process (empty memory) reads back', async () => {
		const staticData: Record<string, unknown> = {};
		await new LocalCircuitStore('wf:node:', staticData).save('https://a.example', gone(1_000));
		expect(Object.keys(staticData.circuits as object)).toEqual(['https://a.example']);
		resetProcessCircuits();
		const reloaded = JSON.parse(JSON.stringify(staticData)) as Record<string, unknown>;
		expect(await new LocalCircuitStore('wf:node:', reloaded).load('https://a.example')).toMatchObject({ state: 'open' });
	});

	it('assigns a new circuits object, so n8n sees static data as changed', async () => {
		const staticData: Record<string, unknown> = { circuits: {} };
		const before = staticData.circuits;
		await new LocalCircuitStore('s:', staticData).save('https://a.example', gone(1));
		expect(staticData.circuits).not.toBe(before);
	});

	it('an execution that loaded older static data still sees, and keeps, a newer state from this process', async () => {
		const stale: Record<string, unknown> = {};
		const fresh: Record<string, unknown> = {};
		await new LocalCircuitStore('s:', fresh).save('https://a.example', gone(2_000));
		const store = new LocalCircuitStore('s:', stale);
		expect(await store.load('https://a.example')).toMatchObject({ state: 'open' });
		await store.save('https://b.example', closedCircuit(3_000));
		expect(Object.keys(stale.circuits as object).sort()).toEqual(['https://a.example', 'https://b.example']);
	});

	it('keeps nodes apart', async () => {
		await new LocalCircuitStore('one:', {}).save('https://a.example', gone(1));
		expect(await new LocalCircuitStore('two:', {}).load('https://a.example')).toBeUndefined();
	});

	it('lets one probe at a time until it is given back or its hold runs out', async () => {
		let now = 0;
		const store = new LocalCircuitStore('s:', {}, () => now);
		expect(await store.claimProbe('https://a.example', 1_000)).toBe(true);
		expect(await store.claimProbe('https://a.example', 1_000)).toBe(false);
		await store.releaseProbe('https://a.example');
		expect(await store.claimProbe('https://a.example', 1_000)).toBe(true);
		now = 1_001;
		expect(await store.claimProbe('https://a.example', 1_000)).toBe(true);
	});

	it('keeps open circuits first when more endpoints than the limit were seen', async () => {
		const staticData: Record<string, unknown> = {};
		const store = new LocalCircuitStore('s:', staticData);
		await store.save('https://open.example', gone(1));
		for (let index = 0; index < MAX_STORED_CIRCUITS + 5; index++) await store.save(`https://c${index}.example`, closedCircuit(10 + index));
		const kept = Object.keys(staticData.circuits as object);
		expect(kept).toHaveLength(MAX_STORED_CIRCUITS);
		expect(kept).toContain('https://open.example');
		expect(kept).not.toContain('https://c0.example');
	});
});
