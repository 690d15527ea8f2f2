/**
 * Comparison 5: what one webhook request costs inside our trigger, without n8n. The CRM Event
 * Trigger's own webhook() runs against a minimal stand-in for n8n's webhook context (parameters,
 * credential, static data, a request whose bytes n8n has already read, a response that goes nowhere):
 * authentication over the raw bytes, the inbound pipeline, parsing, the CRM profile's normalise,
 * the event filter and the dedupe store, and building the output items. Side by side: the least a
 * handler could do, a bare verify + parse of the same bytes. Then the XML parser alone against
 * xml2js, per MB (xmlParse.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { Parser } from 'xml2js';

import type * as CrmHandler from '../../nodes/CrmEventTrigger/handler';
import type * as InboundWebhook from '../../nodes/shared/n8n/inboundWebhook';
import type { Row, Section } from '../lib/report';
import { shipped } from '../lib/shipped';
import { formatNumber, median, round } from '../lib/stats';
import { HMAC_SECRET } from '../workflows';
import { xmlParseRows } from './xmlParse';
import { xpathCaptureRows } from './xpathCapture';

interface Case {
	name: string;
	parameters: Record<string, unknown>;
	credentials: Record<string, Record<string, unknown>>;
	bodies: Buffer[];
	headers: (body: Buffer) => Record<string, string>;
	query: Record<string, string>;
	eventsPerRequest: number;
	/** The most our webhook() may cost per request on a quiet machine; none: reported only. */
	targetMicroseconds?: number;
	/** The bare minimum for the same request. */
	baseline: (body: Buffer, headers: Record<string, string>) => unknown;
}

const ITERATIONS = 2_000;
const ROUNDS = 7;

const hmacHex = (body: Buffer) => createHmac('sha256', HMAC_SECRET).update(body).digest('hex');
const BASIC = `Basic ${Buffer.from('crm-user:crm-pass').toString('base64')}`;
const LSQ_KEY = 'bench-leadsquared-key';

/** SalesOS's opportunity.won fixture (test/fixtures/crm/salesOs), grown to about 1 KB with a contact, line items and notes. */
const SALES_OS_WON = JSON.parse(fs.readFileSync(path.join(__dirname, '../../test/fixtures/crm/salesOs/opportunity-won.json'), 'utf8')) as {
	data: Record<string, unknown>;
};
function salesOsBody(index: number): Buffer {
	return Buffer.from(
		JSON.stringify({
			...SALES_OS_WON,
			id: `evt_${index.toString(36).padStart(12, '0')}`,
			data: {
				...SALES_OS_WON.data,
				id: `opp_${index}`,
				contact: {
					id: 'con_771',
					email: 'jane.doe@example.com',
					firstName: 'Jane',
					lastName: 'Doe',
					phone: '+1 555 0100',
					title: 'VP Sales',
				},
				lineItems: [
					{ sku: 'PLAN-ANNUAL', quantity: 50, unitPrice: 800, description: 'Annual plan, 50 seats, billed yearly in advance' },
					{ sku: 'ONBOARDING', quantity: 1, unitPrice: 8000, description: 'Onboarding and training package for the sales team' },
				],
				notes:
					'Signed after the second demo. Procurement asked for net-30 payment terms and a security review of the data processing terms.',
				customFields: { region: 'EMEA', segment: 'Mid-Market', source: 'Inbound', campaign: 'Q1-Webinar-Series', territory: 'DACH' },
			},
		}),
	);
}

/** A Vtiger contact with two related deals, as XML, about 1 KB. */
function vtigerXml(index: number): Buffer {
	return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<Contact>
  <id>12x${index}</id>
  <firstname>Mary</firstname>
  <lastname>Jones</lastname>
  <email>mary.jones@example.com</email>
  <phone>+44 20 7946 0958</phone>
  <title>Head of Operations</title>
  <account_id>11x88</account_id>
  <mailingcity>London</mailingcity>
  <mailingcountry>United Kingdom</mailingcountry>
  <leadsource>Partner</leadsource>
  <description>Renewal owner; prefers e-mail contact before 10:00.</description>
  <modifiedtime>2024-06-20 08:30:00</modifiedtime>
  <deals>
    <deal><id>13x901</id><potentialname>Website redesign</potentialname><amount>5000</amount><sales_stage>Proposal</sales_stage><closingdate>2024-07-31</closingdate></deal>
    <deal><id>13x902</id><potentialname>Hosting renewal</potentialname><amount>1200</amount><sales_stage>Closed Won</sales_stage><closingdate>2024-06-19</closingdate></deal>
  </deals>
</Contact>`);
}

/** One minute of LeadSquared activities: 100 in one JSON array (activities-bulk.json's shape). */
function leadSquaredBulk(index: number): Buffer {
	const activities = Array.from({ length: 100 }, (_, activity) => ({
		ProspectActivityId: `5b0e9d2c-1a7f-4c0e-${index.toString(16).padStart(4, '0')}-${activity.toString(16).padStart(12, '0')}`,
		RelatedProspectId: 'a311900c-0e56-4601-b580-f931645e7b32',
		ActivityEvent: '22',
		CreatedOn: '2024-03-11 06:21:00',
		CreatedBy: '7c1a2b3d-0000-4e5f-8a9b-1c2d3e4f5a6b',
		Data: { Note: 'Outbound call, connected', Status: 'Answered', Owner: 'Priya', mx_Custom_3: String(activity) },
	}));
	return Buffer.from(JSON.stringify(activities));
}

const xmlParser = new Parser({ async: false, explicitArray: false, normalizeTags: true });
function parseXmlSync(text: string): unknown {
	let result: unknown;
	xmlParser.parseString(text, (error: Error | null, value: unknown) => {
		if (error) throw error;
		result = value;
	});
	return result;
}

const equalText = (a: string | undefined, b: string) =>
	a !== undefined && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const cases = (count: number): Case[] => [
	{
		name: '1 KB JSON (SalesOS, HMAC-SHA256)',
		parameters: { crm: 'salesOs', authentication: 'signingSecret', path: 'bench', events: [], settings: {} },
		credentials: { webhookSigningSecretApi: { scheme: 'hmac', secret: HMAC_SECRET } },
		bodies: Array.from({ length: count }, (_, index) => salesOsBody(index)),
		headers: (body) => ({ 'content-type': 'application/json', 'x-webhook-signature': hmacHex(body) }),
		query: {},
		eventsPerRequest: 1,
		targetMicroseconds: 20,
		baseline: (body, headers) => {
			if (!equalText(headers['x-webhook-signature'], hmacHex(body))) throw new Error('bad signature');
			return JSON.parse(body.toString('utf8'));
		},
	},
	{
		name: '1 KB XML (Vtiger, Basic auth)',
		parameters: {
			crm: 'vtiger',
			authentication: 'basicAuth',
			path: 'bench',
			events: [],
			eventSource: 'fixed',
			fixedEvent: 'contact.updated',
			settings: {},
		},
		credentials: { webhookBasicAuthApi: { user: 'crm-user', password: 'crm-pass' } },
		bodies: Array.from({ length: count }, (_, index) => vtigerXml(index)),
		headers: () => ({ 'content-type': 'application/xml', authorization: BASIC }),
		query: {},
		eventsPerRequest: 1,
		targetMicroseconds: 50,
		baseline: (body, headers) => {
			if (!equalText(headers.authorization, BASIC)) throw new Error('bad credentials');
			return parseXmlSync(body.toString('utf8'));
		},
	},
	{
		name: '100-activity LeadSquared bulk (JSON, header key)',
		parameters: { crm: 'leadSquared', authentication: 'apiKey', path: 'bench', events: [], settings: {} },
		credentials: { webhookApiKeyApi: { location: 'header', name: 'X-LSQ-Secret', apiKey: LSQ_KEY } },
		bodies: Array.from({ length: Math.max(1, Math.floor(count / 20)) }, (_, index) => leadSquaredBulk(index)),
		headers: () => ({ 'content-type': 'application/json', 'x-lsq-secret': LSQ_KEY }),
		query: { entityType: 'Webhook', entityId: 'b329c2b2-854c-11e6-8f87-22000aa8e760', eventType: 'LeadActivity_Post_Create' },
		eventsPerRequest: 100,
		baseline: (body, headers) => {
			if (!equalText(headers['x-lsq-secret'], LSQ_KEY)) throw new Error('bad key');
			return JSON.parse(body.toString('utf8'));
		},
	},
];

const noop = () => undefined;
type Webhook = (context: IWebhookFunctions) => Promise<IWebhookResponseData>;

/** The node class's webhook(), which is exactly withoutThrowing(handleCrmWebhook), from the built package. */
function shippedWebhook(): Webhook {
	const { handleCrmWebhook } = shipped<typeof CrmHandler>('nodes/CrmEventTrigger/handler');
	const { withoutThrowing } = shipped<typeof InboundWebhook>('nodes/shared/n8n/inboundWebhook');
	return async (context) => await withoutThrowing(context, async () => await handleCrmWebhook(context));
}

/** n8n's webhook context, reduced to what the trigger reads; `load` swaps in the next request. */
function fakeContext(setup: Case) {
	let request: Record<string, unknown> = {};
	let response = { headersSent: false };
	let nodeId = 'bench-node-0';
	let staticData: Record<string, unknown> = {};
	const context = {
		getRequestObject: () => request,
		getResponseObject: () => response,
		getNodeParameter: (name: string, fallback?: unknown) => (name in setup.parameters ? setup.parameters[name] : fallback),
		getCredentials: async (type: string) => setup.credentials[type],
		getWorkflowStaticData: () => staticData,
		getNode: () => ({ id: nodeId, name: 'CRM Event Trigger', type: 'crmEventTrigger', typeVersion: 1, position: [0, 0], parameters: {} }),
		getWorkflow: () => ({ id: 'bench', name: 'bench', active: true }),
		getMode: () => 'webhook',
		logger: { debug: noop, info: noop, warn: noop, error: noop },
	} as unknown as IWebhookFunctions;
	return {
		context,
		/** A fresh dedupe scope, so bodies repeated in the next round count as new events. */
		newScope(round: number) {
			nodeId = `bench-node-${round}`;
			staticData = {};
		},
		load(body: Buffer, headers: Record<string, string>) {
			request = { method: 'POST', headers, query: setup.query, socket: { remoteAddress: '127.0.0.1' }, rawBody: body };
			response = {
				headersSent: false,
				statusCode: 0,
				setHeader: noop,
				end(this: { headersSent: boolean }) {
					this.headersSent = true;
				},
			} as unknown as typeof response;
		},
	};
}

async function runOurs(
	webhook: Webhook,
	setup: Case,
	fake: ReturnType<typeof fakeContext>,
	headers: Array<Record<string, string>>,
	round: number,
): Promise<number> {
	fake.newScope(round);
	const started = process.hrtime.bigint();
	for (let index = 0; index < setup.bodies.length; index++) {
		fake.load(setup.bodies[index], headers[index]);
		const result: IWebhookResponseData = await webhook(fake.context);
		if (round === 0 && index === 0 && result.workflowData?.[0].length !== setup.eventsPerRequest) {
			throw new Error(`${setup.name}: expected ${setup.eventsPerRequest} events, got ${JSON.stringify(result).slice(0, 300)}`);
		}
	}
	return Number(process.hrtime.bigint() - started) / 1000 / setup.bodies.length;
}

async function runBaseline(setup: Case, headers: Array<Record<string, string>>): Promise<number> {
	const started = process.hrtime.bigint();
	// Awaited like a webhook handler, so both sides pay the same promise overhead.
	for (let index = 0; index < setup.bodies.length; index++) await Promise.resolve(setup.baseline(setup.bodies[index], headers[index]));
	return Number(process.hrtime.bigint() - started) / 1000 / setup.bodies.length;
}

export async function handlerSection(): Promise<Section> {
	const rows: Row[] = [];
	const details: Record<string, unknown> = { iterationsPerRound: ITERATIONS, rounds: ROUNDS, code: 'dist/ (the built package)' };
	const webhook = shippedWebhook();
	for (const [index, setup] of cases(ITERATIONS).entries()) {
		const fake = fakeContext(setup);
		const headers = setup.bodies.map((body) => setup.headers(body));
		const ours: number[] = [];
		const baseline: number[] = [];
		// Round 0 warms up (and checks the output); it is not counted.
		for (let round = 0; round <= ROUNDS; round++) {
			const first = round % 2 === 0;
			const a = first ? await runOurs(webhook, setup, fake, headers, round) : await runBaseline(setup, headers);
			const b = first ? await runBaseline(setup, headers) : await runOurs(webhook, setup, fake, headers, round);
			if (round === 0) continue;
			ours.push(first ? a : b);
			baseline.push(first ? b : a);
		}
		const oursMedian = median(ours);
		const baselineMedian = median(baseline);
		const limit = setup.targetMicroseconds;
		rows.push({
			id: `5${'abc'[index]}`,
			comparison: `Handler cost, ${setup.name}: our webhook() vs bare verify + parse`,
			ours: `${formatNumber(oursMedian)} µs/request (${formatNumber(oursMedian / setup.eventsPerRequest)} µs/event)`,
			baseline: `${formatNumber(baselineMedian)} µs`,
			ratio: oursMedian / baselineMedian,
			target: limit === undefined ? '—' : `≤ ${limit} µs`,
			met: limit === undefined ? null : oursMedian <= limit,
		});
		details[setup.name] = {
			bodyBytes: setup.bodies[0].length,
			oursMicroseconds: ours.map((value) => round(value, 2)),
			baselineMicroseconds: baseline.map((value) => round(value, 2)),
		};
	}
	rows.push(...xmlParseRows(ROUNDS, details));
	rows.push(...xpathCaptureRows(ROUNDS, details));
	return { rows, details };
}
