import type { CircuitStore } from '../outbound/circuitBreaker';
import type { RateStore } from '../outbound/rateLimit';

/**
 * The rate limit buckets and circuits of the Outbound Webhook node in a store that several n8n
 * processes share. Keys arrive already scoped (endpoint and rate; node and endpoint). Every call is
 * bounded in time and rejects when the store cannot answer.
 */
export interface SharedEndpointState extends RateStore, CircuitStore {
	close(): Promise<void>;
}
