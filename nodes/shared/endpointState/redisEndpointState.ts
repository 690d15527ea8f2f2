import Redis from 'ioredis';

import { clientOptions } from '../dedupe/redisStore';
import type { RedisConnection } from '../dedupe/connection';
import { STORE_TIMEOUT_MS, withinDeadline } from '../dedupe/types';
import type { CircuitState, SaveOutcome } from '../outbound/circuitBreaker';
import { parseCircuit } from '../outbound/circuitBreaker';
import type { SharedEndpointState } from './types';

/**
 * The rate limit's arrival time, moved on atomically with the server's clock, so processes on hosts
 * whose clocks differ still space their requests by the interval. ARGV[1] is the interval to take a
 * turn, ARGV[2] a pause (one of them is 0). Returns the wait in milliseconds.
 */
const TURN_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local arrival = tonumber(redis.call('GET', KEYS[1]) or '0')
local interval = tonumber(ARGV[1])
local pause = tonumber(ARGV[2])
local nextArrival
local wait = 0
if pause > 0 then
  nextArrival = math.max(arrival, now + pause)
else
  local start = math.max(arrival, now)
  wait = start - now
  nextArrival = start + interval
end
redis.call('SET', KEYS[1], tostring(nextArrival), 'PX', math.ceil(nextArrival - now) + 60000)
return tostring(wait)`;

/** How long a circuit's state is kept after its last change. */
const CIRCUIT_TTL_MS = 30 * 86_400_000;

/**
 * A circuit's save in one round trip. ARGV[1] is the state, ARGV[2] '1' when it may only replace
 * ARGV[3] (the JSON this run read; '' for nothing) or nothing at all, ARGV[4] the time to keep it.
 * Returns nothing when written, else what is stored (see CircuitStore.save).
 */
const SAVE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if ARGV[2] == '1' and current and current ~= ARGV[3] then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
return false`;

export class RedisEndpointState implements SharedEndpointState {
	private readonly client: Redis;

	constructor(private readonly settings: RedisConnection) {
		this.client = new Redis({ ...clientOptions(settings), lazyConnect: false, enableOfflineQueue: true });
		this.client.on('error', () => undefined);
	}

	private get where() {
		return `Redis at ${this.settings.host}:${this.settings.port}`;
	}

	private key(kind: 'rate' | 'circuit' | 'probe', name: string) {
		return `${this.settings.keyPrefix}outbound:${kind}:${name}`;
	}

	private async bounded<T>(work: Promise<T>): Promise<T> {
		return await withinDeadline(work, STORE_TIMEOUT_MS, this.where);
	}

	async take(key: string, intervalMs: number): Promise<number> {
		return Number(await this.bounded(this.client.eval(TURN_SCRIPT, 1, this.key('rate', key), String(intervalMs), '0') as Promise<string>));
	}

	async pause(key: string, pauseMs: number): Promise<void> {
		await this.bounded(this.client.eval(TURN_SCRIPT, 1, this.key('rate', key), '0', String(Math.max(1, Math.round(pauseMs)))));
	}

	async load(key: string): Promise<CircuitState | undefined> {
		return parseCircuit(await this.bounded(this.client.get(this.key('circuit', key))));
	}

	async save(key: string, circuit: CircuitState, ifStill?: CircuitState | null): Promise<SaveOutcome> {
		const expected = ifStill ? JSON.stringify(ifStill) : '';
		const args = [JSON.stringify(circuit), ifStill === undefined ? '0' : '1', expected, String(CIRCUIT_TTL_MS)];
		const stored = (await this.bounded(this.client.eval(SAVE_SCRIPT, 1, this.key('circuit', key), ...args))) as string | null;
		return stored === null ? { saved: true } : { saved: false, stored: parseCircuit(stored) };
	}

	async claimProbe(key: string, holdMs: number): Promise<boolean> {
		return (await this.bounded(this.client.set(this.key('probe', key), '1', 'PX', Math.max(1, Math.round(holdMs)), 'NX'))) === 'OK';
	}

	async releaseProbe(key: string): Promise<void> {
		await this.bounded(this.client.del(this.key('probe', key)));
	}

	async close(): Promise<void> {
		await withinDeadline(this.client.quit(), STORE_TIMEOUT_MS, this.where).catch(() => this.client.disconnect());
	}
}
