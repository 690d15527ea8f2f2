import type { IExecuteFunctions } from 'n8n-workflow';

import type { CircuitWhenOpen } from '../shared/outbound/circuitBreaker';
import { OutboundConfigError } from '../shared/outbound/errors';
import type { RatePeriod } from '../shared/outbound/rateLimit';
import { intervalOf } from '../shared/outbound/rateLimit';

import type { EndpointSettings } from '../shared/outbound/endpointGuard';

const wholeNumber = (value: unknown, field: string, min: number, max: number) => {
	const number = Number(value);
	if (!Number.isInteger(number) || number < min || number > max) {
		throw new OutboundConfigError(field, `${field} must be a whole number from ${min} to ${max}`, `Got ${String(value)}`);
	}
	return number;
};

/** A URL typed in is one endpoint; an expression may give each item its own resource on the origin. */
const urlIsFixed = (context: Pick<IExecuteFunctions, 'getNode'>) => {
	const url = context.getNode().parameters.url;
	return !(typeof url === 'string' && url.startsWith('='));
};

/** Reads and checks the switches and their values; a rate of 0 or below is refused, naming the field. */
export function readEndpointSettings(context: Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>): EndpointSettings {
	const rateLimit = context.getNodeParameter('rateLimit', 0, false) === true;
	const breaker = context.getNodeParameter('circuitBreaker', 0, false) === true;
	const settings: EndpointSettings = { store: 'process' };
	if (rateLimit) {
		const per = context.getNodeParameter('rateLimitPer', 0, 'second') as RatePeriod;
		const requests = context.getNodeParameter('rateLimitRequests', 0, 10);
		settings.rateIntervalMs = intervalOf(
			{ requests: typeof requests === 'string' && requests.trim() !== '' ? Number(requests) : (requests as number), per },
			'Requests (Rate Limit Per Endpoint)',
		);
	}
	if (breaker) {
		settings.circuit = {
			failureThreshold: wholeNumber(context.getNodeParameter('circuitFailureThreshold', 0, 5), 'Open After Failures', 1, 1000),
			probeAfterMs: wholeNumber(context.getNodeParameter('circuitProbeAfter', 0, 60), 'Probe After (Seconds)', 1, 31_536_000) * 1000,
			whenOpen: (context.getNodeParameter('circuitOpenItems', 0, 'retryLater') === 'failed' ? 'failed' : 'retryLater') as CircuitWhenOpen,
			goneOpensAtOnce: urlIsFixed(context),
		};
	}
	if (rateLimit || breaker) {
		const store = context.getNodeParameter('sharedStateStore', 0, 'process');
		settings.store = store === 'redis' || store === 'postgres' ? store : 'process';
	}
	return settings;
}
