#!/usr/bin/env node
// @ts-check
/**
 * Sends each example workflow the request its sender would send: a SalesOS event signed with HMAC-SHA256,
 * a LeadSquared lead with its custom header and query parameters, an order with Basic Auth, a contact with
 * a bearer token, an order for the replay example and the request that replays its failed deliveries.
 * The secrets are the fake ones of examples/credentials.json.
 *
 *   npm start                                          (in another terminal)
 *   node examples/send-example-events.js               every example
 *   node examples/send-example-events.js salesos       one: salesos | leadsquared | retry | mapping | order | replay
 *   N8N_URL=http://127.0.0.1:5679 node examples/send-example-events.js
 *
 * The e2e test (test/e2e/examples.test.ts) sends exactly these requests.
 */
const { createHmac } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** @type {Array<{ id: string, data: Record<string, string> }>} */
const credentials = JSON.parse(fs.readFileSync(path.join(__dirname, 'credentials.json'), 'utf8'));
const secretOf = (/** @type {string} */ id) => {
	const credential = credentials.find((candidate) => candidate.id === id);
	if (!credential) throw new Error(`examples/credentials.json has no credential ${id}`);
	return credential.data;
};

/** The sample events, as each sender would deliver them. */
const SAMPLES = {
	// SalesOS envelope (docs.salesos.org webhooks): the event id is what retries repeat.
	salesos: {
		id: 'evt_example_won_1',
		type: 'opportunity.won',
		timestamp: '2025-01-15T10:30:00Z',
		organizationId: 'org_xyz789',
		data: {
			id: 'opp_9d1e77',
			name: 'Acme Corp - Annual Plan',
			amount: 48000,
			currency: 'USD',
			stage: 'CLOSED_WON',
			accountId: 'acc_31ab02',
			ownerId: 'usr_51c0de',
			closedAt: '2025-01-15T10:29:58Z',
		},
	},
	// LeadSquared Lead Creation body (support.leadsquared.com "how to write webhook in LSQ").
	leadsquared: {
		ProspectID: 'a311900c-0e56-4601-b580-f931645e7b32',
		FirstName: 'Sachin',
		LastName: 'One',
		EmailAddress: 'sachin.one@example.com',
		Source: 'Direct Traffic',
		ProspectStage: 'Initial',
		CreatedOn: '2024-03-11 09:15:42',
		ModifiedOn: '2024-03-11 09:15:42',
	},
	retry: { orderId: 'ORD-1001', total: 249.5 },
	// What a HighLevel workflow Webhook action posts: the contact's merge fields.
	mapping: {
		contact_id: 'cJAWDskpkJHbRbhAT7bs',
		first_name: 'John',
		last_name: 'Deo',
		email: 'johndeo@example.com',
		phone: '+15551234567',
		form_name: 'Website enquiry',
	},
	// The replay example: an order for the Order System stand-in, and the request that replays what failed.
	order: { orderId: 'ORD-2001', total: 99.5, currency: 'EUR' },
	replay: {},
};

/**
 * The request for each example.
 * @param {string} baseUrl n8n's base URL, e.g. http://127.0.0.1:5678
 * @returns {Record<keyof typeof SAMPLES, { url: string, init: { method: string, headers: Record<string, string>, body: string } }>}
 */
function exampleRequests(baseUrl) {
	const webhook = (/** @type {string} */ pathName) => `${baseUrl.replace(/\/$/, '')}/webhook/${pathName}`;
	const json = (/** @type {Record<string, string>} */ headers, /** @type {unknown} */ body) => {
		const text = JSON.stringify(body);
		return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text };
	};
	const salesOsBody = JSON.stringify(SAMPLES.salesos);
	const lsq = secretOf('exLsqHeaderKey01');
	const basic = secretOf('exBasicAuth00001');
	const basicAuth = `Basic ${Buffer.from(`${basic.user}:${basic.password}`).toString('base64')}`;
	const query = new URLSearchParams({
		entityType: 'Lead',
		entityId: SAMPLES.leadsquared.ProspectID,
		eventType: 'Lead_Post_Create',
	});
	return {
		salesos: {
			url: webhook('example-salesos-deal-won'),
			init: {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-webhook-signature': createHmac('sha256', secretOf('exSalesOsSecret1').secret).update(salesOsBody).digest('hex'),
				},
				body: salesOsBody,
			},
		},
		leadsquared: {
			url: `${webhook('example-leadsquared-lead')}?${query}`,
			init: json({ [lsq.name]: lsq.apiKey }, SAMPLES.leadsquared),
		},
		retry: { url: webhook('example-retry-loop'), init: json({ authorization: basicAuth }, SAMPLES.retry) },
		mapping: {
			url: webhook('example-contact-mapping'),
			init: json({ authorization: `Bearer ${secretOf('exHighLevelTok01').token}`, 'user-agent': 'HighLevel-Workflow/1.0' }, SAMPLES.mapping),
		},
		order: { url: webhook('example-replay-order'), init: json({ authorization: basicAuth }, SAMPLES.order) },
		replay: { url: webhook('example-replay-failed-deliveries'), init: json({ authorization: basicAuth }, SAMPLES.replay) },
	};
}

async function main() {
	const baseUrl = process.env.N8N_URL || 'http://127.0.0.1:5678';
	const requests = exampleRequests(baseUrl);
	const wanted = process.argv[2] && process.argv[2] !== 'all' ? [process.argv[2]] : Object.keys(requests);
	for (const name of wanted) {
		const request = requests[/** @type {keyof typeof requests} */ (name)];
		if (!request) throw new Error(`Unknown example "${name}"; use one of ${Object.keys(requests).join(', ')} or all`);
		const response = await fetch(request.url, request.init);
		process.stdout.write(`${name}: ${request.init.method} ${request.url} → ${response.status} ${await response.text()}\n`);
	}
	process.stdout.write(`\nOpen ${baseUrl}/home/executions to see what each workflow did.\n`);
}

module.exports = { SAMPLES, exampleRequests };

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
