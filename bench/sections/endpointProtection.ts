/**
 * Comparison 16: the Outbound Webhook's per-endpoint protection, the node's execute() through
 * n8n-core's real execute context (the integration tests' context) against a loopback receiver in
 * this process: a rate limit under a receiver that allows 50 requests/s, the cost of a limit set far
 * above what the receiver needs, the circuit breaker against an endpoint that is down, and OAuth2
 * tokens for a whole run. Each has its baseline in the same run: the node without the feature.
 */
// First: the node class below must resolve to its .ts file, not its codex.
import '../lib/preferTypeScript';

import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { OutboundWebhook } from '../../nodes/OutboundWebhook/OutboundWebhook.node';
import { resetProcessCircuits } from '../../nodes/shared/outbound/circuitStore';
import { clearTokens } from '../../nodes/shared/outbound/oauth2';
import { destroyAgents } from '../../nodes/shared/outbound/transport';
import { fakeContext, stopCoreTimers } from '../../test/integration/outbound/fakeContext';
import type { Row, Section } from '../lib/report';
import { formatNumber, median, round } from '../lib/stats';

/** The figure is 5,000 items; BENCH_ENDPOINT_ITEMS scales the run down for a quick look. */
const ITEMS = Number(process.env.BENCH_ENDPOINT_ITEMS ?? 5_000);
const RECEIVER_LIMIT_PER_SECOND = 50;
/**
 * Single runs vary by ±30 % on a shared machine and drift over a process's life (its heap grows), so the
 * overhead row pairs runs: each round runs both variants back to back, in alternating order, and the row
 * reports the median of the rounds' ratios. Many short rounds rather than a few long ones: the two runs of
 * a pair are then close in time, so a slow spell of the machine falls on both, and the median of 101 ratios
 * moves less than that of 21 (21 rounds of 5,000 items spread 0.94–1.01× over seven runs). An A/A control
 * (no limit on either side) measures what this method cannot resolve.
 */
const OVERHEAD_ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 101);
const OVERHEAD_ITEMS = Math.min(ITEMS, 1_000);

type Mode = 'limited' | 'ok' | 'down' | 'oauth2';

/** What the receiver saw since the last reset. */
interface Seen {
	requests: number;
	tooMany: number;
	accepted: number[];
	tokenRequests: number;
}

function startReceiver() {
	let mode: Mode = 'ok';
	const seen: Seen = { requests: 0, tooMany: 0, accepted: [], tokenRequests: 0 };
	let window: number[] = [];
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			if (req.url === '/token') {
				seen.tokenRequests++;
				return void res
					.writeHead(200, { 'content-type': 'application/json' })
					.end(JSON.stringify({ access_token: `tok-${seen.tokenRequests}`, token_type: 'Bearer', expires_in: 3600 }));
			}
			seen.requests++;
			const now = Date.now();
			if (mode === 'down') return void res.writeHead(503).end();
			if (mode === 'oauth2' && !/^Bearer tok-\d+$/.test(req.headers.authorization ?? '')) return void res.writeHead(401).end();
			if (mode === 'limited') {
				window = window.filter((at) => at > now - 1_000);
				if (window.length >= RECEIVER_LIMIT_PER_SECOND) {
					seen.tooMany++;
					return void res.writeHead(429, { 'retry-after': '1' }).end();
				}
				window.push(now);
			}
			seen.accepted.push(now);
			res.writeHead(200).end();
		});
	});
	return new Promise<{ url: string; seen: Seen; use(next: Mode): void; close(): Promise<void> }>((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({
				url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
				seen,
				use(next) {
					mode = next;
					window = [];
					Object.assign(seen, { requests: 0, tooMany: 0, accepted: [], tokenRequests: 0 });
				},
				close: () => new Promise((done) => server.close(() => done())),
			}),
		),
	);
}

const node = new OutboundWebhook();
let runNumber = 0;

/** One execution of the node over `count` items; each run is its own node, so no state carries over. */
async function execute(parameters: IDataObject, count: number, credentials?: Record<string, Record<string, unknown>>) {
	const items: INodeExecutionData[] = Array.from({ length: count }, (_, n) => ({ json: { n, note: 'x'.repeat(200) } }));
	const { context } = fakeContext({ method: 'POST', ...parameters }, items, { nodeId: `bench-${++runNumber}`, credentials });
	const started = performance.now();
	const [delivered, retryLater, failed] = await node.execute.call(context);
	return { ms: performance.now() - started, delivered: delivered.length, retryLater: retryLater.length, failed: failed.length };
}

const RETRY_ON_429 = { maxAttempts: 10, backoff: 'exponential', baseDelay: 1, maxDelay: 30 };

async function rateLimitRows(receiver: Awaited<ReturnType<typeof startReceiver>>): Promise<{ rows: Row[]; details: IDataObject }> {
	receiver.use('limited');
	const limited = await execute(
		{ url: `${receiver.url}/hook`, rateLimit: true, rateLimitRequests: RECEIVER_LIMIT_PER_SECOND, retry: RETRY_ON_429 },
		ITEMS,
	);
	const ours = { ...receiver.seen, accepted: receiver.seen.accepted.length };
	const spanSeconds = (Math.max(...receiver.seen.accepted) - Math.min(...receiver.seen.accepted)) / 1000;
	const rate = (ours.accepted - 1) / spanSeconds;
	// Baseline: the same receiver without the limit, a fifth of the items (it needs many more requests).
	receiver.use('limited');
	const plain = await execute({ url: `${receiver.url}/hook`, retry: RETRY_ON_429 }, Math.ceil(ITEMS / 5));
	const base = { ...receiver.seen, accepted: receiver.seen.accepted.length };
	const share = ours.tooMany / ours.requests;
	const baseShare = base.tooMany / base.requests;
	const rows: Row[] = [
		{
			id: '16a',
			comparison: `Rate limit 50/s, receiver allows 50/s (429 + Retry-After beyond): ${ITEMS} items, share of requests answered 429`,
			ours: `${formatNumber(share * 100)} % (${ours.tooMany} of ${ours.requests}); ${limited.delivered} delivered, ${limited.failed + limited.retryLater} not`,
			baseline: `no limit, ${Math.ceil(ITEMS / 5)} items: ${formatNumber(baseShare * 100)} % (${base.tooMany} of ${base.requests}); ${plain.delivered} delivered, ${plain.failed + plain.retryLater} not`,
			ratio: null,
			target: '≤ 1 %, 0 failed',
			met: share <= 0.01 && limited.delivered === ITEMS,
		},
		{
			id: '16b',
			comparison: 'Rate limit 50/s: achieved rate at the receiver ÷ the limit',
			ours: `${formatNumber(rate)}/s over ${formatNumber(spanSeconds)} s`,
			baseline: `${RECEIVER_LIMIT_PER_SECOND}/s`,
			ratio: round(rate / RECEIVER_LIMIT_PER_SECOND, 3),
			target: 'within 5 % (0.95–1.05×)',
			met: Math.abs(rate / RECEIVER_LIMIT_PER_SECOND - 1) <= 0.05,
		},
	];
	return { rows, details: { limited, ours, plain, base, spanSeconds } };
}

const LIMIT_FAR_ABOVE_NEED = { rateLimit: true, rateLimitRequests: 100_000 };

interface Paired {
	/** Median of the rounds' (time without ÷ time with) `extra`: 1 means no cost, 0.9 means 10 % slower. */
	ratio: number;
	/** The same for the process's CPU time (node and receiver), which other work on the machine disturbs less. */
	cpuRatio: number;
	plainMs: number[];
	otherMs: number[];
}

async function pairedRatio(parameters: IDataObject, extra: IDataObject): Promise<Paired> {
	const paired: Paired = { ratio: 0, cpuRatio: 0, plainMs: [], otherMs: [] };
	const [ratios, cpuRatios]: number[][] = [[], []];
	for (let index = 0; index < OVERHEAD_ROUNDS; index++) {
		const order = index % 2 === 0 ? ['other', 'plain'] : ['plain', 'other'];
		const times: Record<string, { ms: number; cpu: number }> = {};
		for (const variant of order) {
			const cpuBefore = process.cpuUsage();
			const { ms, delivered } = await execute(variant === 'other' ? { ...parameters, ...extra } : parameters, OVERHEAD_ITEMS);
			const cpu = process.cpuUsage(cpuBefore);
			if (delivered !== OVERHEAD_ITEMS) throw new Error(`overhead run delivered ${delivered} of ${OVERHEAD_ITEMS}`);
			times[variant] = { ms, cpu: cpu.user + cpu.system };
		}
		paired.plainMs.push(times.plain.ms);
		paired.otherMs.push(times.other.ms);
		ratios.push(times.plain.ms / times.other.ms);
		cpuRatios.push(times.plain.cpu / times.other.cpu);
	}
	return { ...paired, ratio: median(ratios), cpuRatio: median(cpuRatios) };
}

async function overheadRows(receiver: Awaited<ReturnType<typeof startReceiver>>): Promise<{ rows: Row[]; details: IDataObject }> {
	receiver.use('ok');
	const parameters = { url: `${receiver.url}/hook`, options: { concurrency: 10 } };
	// Warm-up of both variants: connections, JIT.
	await execute(parameters, OVERHEAD_ITEMS);
	await execute({ ...parameters, ...LIMIT_FAR_ABOVE_NEED }, OVERHEAD_ITEMS);
	const limited = await pairedRatio(parameters, LIMIT_FAR_ABOVE_NEED);
	const control = await pairedRatio(parameters, {});
	const perSecond = (runs: number[]) => `${formatNumber((OVERHEAD_ITEMS / median(runs)) * 1000)}/s`;
	const rows: Row[] = [
		{
			id: '16c',
			comparison: `Rate limit 100,000/s (far above need) vs none: ${OVERHEAD_ITEMS} items to a fast receiver, c10, throughput (median of ${OVERHEAD_ROUNDS} paired rounds)`,
			ours: `${perSecond(limited.otherMs)} (CPU time ratio ${formatNumber(limited.cpuRatio)}×)`,
			baseline: perSecond(limited.plainMs),
			ratio: round(limited.ratio, 3),
			target: '≥ 0.98×',
			met: limited.ratio >= 0.98,
		},
		{
			id: '16f',
			comparison: 'Control for 16c: the same paired rounds with no limit on either side (what the method cannot resolve)',
			ours: `${perSecond(control.otherMs)} (CPU time ratio ${formatNumber(control.cpuRatio)}×)`,
			baseline: perSecond(control.plainMs),
			ratio: round(control.ratio, 3),
			target: '—',
			met: null,
		},
	];
	return { rows, details: { items: OVERHEAD_ITEMS, limited, control } };
}

async function breakerRow(receiver: Awaited<ReturnType<typeof startReceiver>>): Promise<{ row: Row; details: IDataObject }> {
	const retry = { maxAttempts: 3, backoff: 'linear', baseDelay: 0.01, maxDelay: 1 };
	const parameters = { url: `${receiver.url}/hook`, retry, options: { concurrency: 10 } };
	receiver.use('down');
	const withBreaker = await execute(
		{ ...parameters, circuitBreaker: true, circuitFailureThreshold: 5, circuitProbeAfter: 60, failedItems: 'output' },
		ITEMS,
	);
	const ours = receiver.seen.requests;
	receiver.use('down');
	const without = await execute({ ...parameters, failedItems: 'output' }, ITEMS);
	const base = receiver.seen.requests;
	return {
		row: {
			id: '16d',
			comparison: `Circuit breaker (opens after 5 failures) vs none: endpoint answering 503, ${ITEMS} items, 3 attempts each, requests sent`,
			ours: `${ours} requests`,
			baseline: `${base} requests`,
			ratio: round(ours / base, 4),
			target: '< 1 %',
			met: ours / base < 0.01,
		},
		details: { withBreaker, without, ours, base },
	};
}

async function oauth2Row(receiver: Awaited<ReturnType<typeof startReceiver>>): Promise<{ row: Row; details: IDataObject }> {
	clearTokens();
	receiver.use('oauth2');
	const credential = { tokenUrl: `${receiver.url}/token`, clientId: 'bench', clientSecret: 'bench-secret' };
	const run = await execute(
		{ url: `${receiver.url}/hook`, authentication: 'oauth2ClientCredentials', options: { concurrency: 10 } },
		ITEMS,
		{
			webhookClientOAuth2Api: credential,
		},
	);
	const tokens = receiver.seen.tokenRequests;
	return {
		row: {
			id: '16e',
			comparison: `OAuth2 client credentials: token requests for ${ITEMS} deliveries (c10)`,
			ours: `${tokens} token request(s); ${run.delivered} delivered`,
			baseline: '—',
			ratio: null,
			target: '1 token request, all delivered',
			met: tokens === 1 && run.delivered === ITEMS,
		},
		details: { run, tokens },
	};
}

export async function endpointProtectionSection(): Promise<Section> {
	const receiver = await startReceiver();
	try {
		resetProcessCircuits();
		const rate = await rateLimitRows(receiver);
		const overhead = await overheadRows(receiver);
		const breaker = await breakerRow(receiver);
		const oauth2 = await oauth2Row(receiver);
		return {
			rows: [...rate.rows, overhead.rows[0], breaker.row, oauth2.row, overhead.rows[1]],
			details: { items: ITEMS, rate: rate.details, overhead: overhead.details, breaker: breaker.details, oauth2: oauth2.details },
		};
	} finally {
		destroyAgents();
		stopCoreTimers();
		await receiver.close();
	}
}
