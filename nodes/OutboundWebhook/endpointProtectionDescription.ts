import type { INodeProperties } from 'n8n-workflow';

const whenRateLimited = { show: { rateLimit: [true] } };
const whenBreaker = { show: { circuitBreaker: [true] } };

/**
 * Where the bucket and the circuits live. Top-level (the store credentials' display options read it),
 * and listed twice with disjoint display options: n8n's display options cannot say "either switch on".
 */
const sharedStateStore = (show: INodeProperties['displayOptions']): INodeProperties => ({
	displayName: 'Shared State Store',
	name: 'sharedStateStore',
	type: 'options',
	noDataExpression: true,
	displayOptions: show,
	options: [
		{
			name: 'This Process Only',
			value: 'process',
			description: 'No setup. The rate limit is shared by the executions of this process; circuits survive executions and restarts.',
		},
		{
			name: 'Redis (Shared)',
			value: 'redis',
			description: 'One rate limit and one circuit per endpoint for every n8n process using it (queue mode)',
		},
		{
			name: 'PostgreSQL (Shared)',
			value: 'postgres',
			description: 'The same, in a table next to the dedupe table; can be n8n’s own database',
		},
	],
	default: 'process',
	description:
		'Where the rate limit and circuit breaker keep their state. If a shared store cannot answer, this process’s own state is used and n8n’s log says so.',
});

/** Rate limit and circuit breaker per endpoint (per origin: scheme, host and port). */
export const endpointProtectionProperties: INodeProperties[] = [
	{
		displayName: 'Rate Limit Per Endpoint',
		name: 'rateLimit',
		type: 'boolean',
		default: false,
		description:
			'Whether to space requests to each origin evenly, for every execution sharing the store. A 429, or a 503 with Retry-After, pauses the endpoint for everyone.',
	},
	{
		displayName: 'Requests',
		name: 'rateLimitRequests',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 2 },
		default: 10,
		required: true,
		displayOptions: whenRateLimited,
		description: 'How many requests the receiver accepts per period; above 0',
	},
	{
		displayName: 'Per',
		name: 'rateLimitPer',
		type: 'options',
		options: [
			{ name: 'Second', value: 'second' },
			{ name: 'Minute', value: 'minute' },
		],
		default: 'second',
		displayOptions: whenRateLimited,
	},
	{
		displayName: 'Circuit Breaker',
		name: 'circuitBreaker',
		type: 'boolean',
		default: false,
		description:
			'Whether to stop sending to an origin after consecutive failures (network errors, timeouts, 5xx), or at once on 410 Gone when the URL is fixed (with a URL expression, a 410 may concern one record only)',
	},
	{
		displayName: 'Open After Failures',
		name: 'circuitFailureThreshold',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 5,
		displayOptions: whenBreaker,
		description: 'Consecutive failed attempts to one origin that open its circuit',
	},
	{
		displayName: 'Probe After (Seconds)',
		name: 'circuitProbeAfter',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		displayOptions: whenBreaker,
		description:
			'How long an open circuit refuses everything; after that, the next run sends one probe first and closes the circuit if it succeeds',
	},
	{
		displayName: 'Items While Open',
		name: 'circuitOpenItems',
		type: 'options',
		options: [
			{
				name: 'Send to Retry Later',
				value: 'retryLater',
				description: 'With delivery.nextAttemptAt at the probe time, and the reason in delivery.error',
			},
			{ name: 'Send to Failed', value: 'failed', description: 'At once, with the reason in error' },
		],
		default: 'retryLater',
		displayOptions: whenBreaker,
	},
	sharedStateStore(whenRateLimited),
	sharedStateStore({ show: { circuitBreaker: [true], rateLimit: [false] } }),
];
