/**
 * n8n glue for the Outbound Webhook's rate limit and circuit breaker: which store keeps their state
 * (this process and the node's static data, or a shared Redis/PostgreSQL store through the dedupe
 * store credentials), scoped to the node.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { DEDUPE_CREDENTIAL_TYPES, storeConnectionOf, storeConnectionProblems } from '../dedupe/connection';
import { SharedWithFallback } from '../endpointState/fallback';
import { sharedEndpointStateFor } from '../endpointState/registry';
import type { CircuitStore } from '../outbound/circuitBreaker';
import { LocalCircuitStore } from '../outbound/circuitStore';
import type { EndpointProtection, EndpointSettings } from '../outbound/endpointGuard';
import { OutboundConfigError } from '../outbound/errors';
import type { RateStore } from '../outbound/rateLimit';
import { processRateStore } from '../outbound/rateLimit';

type Context = Pick<IExecuteFunctions, 'getWorkflow' | 'getNode' | 'getWorkflowStaticData' | 'getCredentials' | 'logger'>;

/** The stores behind the node's rate limit and circuit breaker; undefined when both are off. */
export async function endpointProtectionOf(context: Context, settings: EndpointSettings): Promise<EndpointProtection | undefined> {
	if (settings.rateIntervalMs === undefined && !settings.circuit) return undefined;
	const scope = `${context.getWorkflow().id ?? ''}:${context.getNode().id}:`;
	const local = {
		rate: processRateStore as RateStore,
		circuits: new LocalCircuitStore(scope, context.getWorkflowStaticData('node')) as CircuitStore,
	};
	let stores = local;
	if (settings.store !== 'process') {
		const kind = settings.store;
		const storeSettings = storeConnectionOf(kind, (await context.getCredentials(DEDUPE_CREDENTIAL_TYPES[kind])) as Record<string, unknown>);
		const problems = storeConnectionProblems(storeSettings);
		if (problems.length > 0)
			throw new OutboundConfigError(
				'Shared State Store',
				`The store credential is not usable: ${problems.join('; ')}`,
				'Open the credential and fix the fields named',
			);
		const node = context.getNode().name;
		const shared = new SharedWithFallback(sharedEndpointStateFor(storeSettings, scope), scope, local, (error) =>
			context.logger.warn(
				`${node}: the shared state store did not answer (${error.message}); this process's own rate limit and circuit state are used meanwhile.`,
				{ node },
			),
		);
		stores = { rate: shared, circuits: shared };
	}
	return {
		...(settings.rateIntervalMs !== undefined ? { rate: { store: stores.rate, intervalMs: settings.rateIntervalMs } } : {}),
		...(settings.circuit ? { circuit: { settings: settings.circuit, store: stores.circuits } } : {}),
	};
}
