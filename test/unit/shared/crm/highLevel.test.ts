import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';

import { crmAuthenticator, crmSecretHeaders } from '../../../../nodes/shared/crm';
import { highLevel } from '../../../../nodes/shared/crm/highLevel';
import { HIGHLEVEL_ED25519_PUBLIC_KEY, HIGHLEVEL_RSA_PUBLIC_KEY } from '../../../../nodes/shared/crm/highLevelKeys';
import type { ProfileParameters } from '../../../../nodes/shared/crm/types';
import type { HeaderBag, VerifyOptions } from '../../../../nodes/shared/signatures/types';
import { eventsOf, fixture, requestInput } from './fixtures';

// HighLevel's private keys are not ours: sign with generated pairs and inject their public halves, as a key
// rotation would.
const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => key.export({ type: 'spki', format: 'pem' }).toString();
const settings: ProfileParameters = { highLevelEd25519PublicKey: pem(ed25519.publicKey), highLevelRsaPublicKey: pem(rsa.publicKey) };
const signEd25519 = (body: Buffer) => sign(null, body, ed25519.privateKey).toString('base64');
const signRsa = (body: Buffer) => sign('sha256', body, rsa.privateKey).toString('base64');

const contactCreate = fixture('highLevel', 'contact-create.json');
const deliveredAt = Date.parse('2025-08-26T11:36:43.463Z') / 1000;
const options: VerifyOptions = { toleranceSeconds: 300, nowSeconds: Math.floor(deliveredAt) + 2 };
const verify = (headers: HeaderBag, body = contactCreate, override: ProfileParameters = settings) =>
	crmAuthenticator(highLevel, 'builtIn', {}, override)({ headers, query: {}, rawBody: body }, options);
const normalise = (file: string) => eventsOf(highLevel.normalise(requestInput(fixture('highLevel', file))));

describe('HighLevel profile: events', () => {
	it('is called HighLevel and lists the seed categories under canonical names', () => {
		expect(highLevel.displayName).toBe('HighLevel');
		const values = highLevel.events.map((event) => event.value);
		expect(values).toEqual(
			expect.arrayContaining([
				'contact.created',
				'contact.updated',
				'contact.deleted',
				'opportunity.stage_changed',
				'form.submitted',
				'appointment.booked',
				'appointment.cancelled',
				'invoice.paid',
				'message.received',
				'workflow.webhook',
			]),
		);
		expect(new Set(values).size).toBe(values.length);
	});

	it('normalises ContactCreate: webhookId is the event id, the record loses its envelope', () => {
		const [event] = normalise('contact-create.json');
		expect(event).toMatchObject({
			event: 'contact.created',
			sourceEvent: 'ContactCreate',
			crm: 'highLevel',
			eventId: '9062e8fb-5d3c-4b61-9a8e-2f4c7d1e0b55',
			occurredAt: '2025-08-26T11:36:43.463Z',
			object: { type: 'contact', id: 'nmFmQEsNgz6AVpgLVUJ0' },
			context: { locationId: 've9EPM428h8vShlRW1KT' },
		});
		expect(event.data).toMatchObject({ email: 'JohnDeo@gmail.comm', customFields: [{ id: 'BcdmQEsNgz6AVpgLVUJ0', value: 'XYZ Corp' }] });
		expect(event.data).not.toHaveProperty('type');
		expect(event.data).not.toHaveProperty('webhookId');
	});

	it('normalises OpportunityStageUpdate, and names a won status update opportunity.won', () => {
		expect(normalise('opportunity-stage-update.json')[0]).toMatchObject({
			event: 'opportunity.stage_changed',
			object: { type: 'opportunity', id: 'wWhVuzqpRuOA1ZVWi4FC' },
			data: { pipelineStageId: 'e93ba61a-53b3-45e7-985a-c7732dbcdb69', status: 'open' },
		});
		expect(normalise('opportunity-status-won.json')[0]).toMatchObject({
			event: 'opportunity.won',
			sourceEvent: 'OpportunityStatusUpdate',
			eventId: '1f0c9a7e-2b4d-4e6f-8a1c-3d5e7f9b0c2d',
		});
	});

	it('normalises InboundMessage as message.received', () => {
		expect(normalise('inbound-message.json')[0]).toMatchObject({
			event: 'message.received',
			object: { type: 'message', id: null },
			data: { body: 'This is a test message', messageType: 'SMS', conversationId: 'fcanlLgpbQgQhderivVs' },
			context: { locationId: 'l1C08ntBrFjLS0elLIYU' },
		});
	});

	it('normalises AppointmentCreate with the nested appointment as the record', () => {
		expect(normalise('appointment-create.json')[0]).toMatchObject({
			event: 'appointment.booked',
			object: { type: 'appointment', id: '0007BWpSzSwfiuSl0tR2' },
			data: { calendarId: 'BqTwX8QFwXzpegMve9EQ', appointmentStatus: 'confirmed' },
		});
		const cancelled = { type: 'AppointmentUpdate', locationId: 'l1', appointment: { id: 'a1', appointmentStatus: 'cancelled' } };
		expect(eventsOf(highLevel.normalise(requestInput(JSON.stringify(cancelled))))[0].event).toBe('appointment.cancelled');
	});

	it('recognises the official InvoicePaid example, which has no type, from its status', () => {
		expect(normalise('invoice-paid.json')[0]).toMatchObject({
			event: 'invoice.paid',
			sourceEvent: 'InvoicePaid',
			object: { type: 'invoice', id: '6578278e879ad2646715ba9c' },
			data: { amountPaid: 999, invoiceNumber: '19' },
			context: { locationId: '6578278e879ad2646715ba9c' },
		});
	});

	it('treats an untyped body as a workflow Webhook action about a contact, JSON or form', () => {
		const [event] = normalise('workflow-webhook.json');
		expect(event).toMatchObject({
			event: 'workflow.webhook',
			sourceEvent: 'WorkflowWebhook',
			object: { type: 'contact', id: 'cJAWDskpkJHbRbhAT7bs' },
			data: { email: 'johndeo@example.com', form_name: 'Website enquiry' },
		});
		expect(event.eventId).toMatch(/^sha256:/);
		const form = requestInput('contact_id=c1&email=a%40example.com', { contentType: 'application/x-www-form-urlencoded' });
		expect(eventsOf(highLevel.normalise(form))[0]).toMatchObject({ event: 'workflow.webhook', object: { id: 'c1' } });
	});

	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'reads a type or invoice status named after Object.prototype’s %s as any unknown name',
		(name) => {
			for (const type of [name, `${name}Create`, `Constructor${name}`]) {
				const [event] = eventsOf(highLevel.normalise(requestInput(JSON.stringify({ type, id: 'x1' }))));
				expect(event).toMatchObject({ sourceEvent: type, object: { id: 'x1' } });
				expect(event.event).not.toMatch(/function|native code/);
			}
			const invoice = { invoiceNumber: '20', altType: 'location', altId: 'l1', status: name, _id: 'inv1' };
			expect(eventsOf(highLevel.normalise(requestInput(JSON.stringify(invoice))))[0]).toMatchObject({
				event: 'invoice.updated',
				sourceEvent: 'InvoiceUpdate',
				object: { id: 'inv1' },
			});
		},
	);

	it('marks a workflow action’s hashed id as such, never a webhookId or a body with a timestamp', () => {
		expect(normalise('workflow-webhook.json')[0].eventIdSource).toBe('hash');
		expect(normalise('contact-create.json')[0]).not.toHaveProperty('eventIdSource');
		const timed = requestInput('{"contact_id":"c1","timestamp":"2025-01-15T10:30:00Z"}');
		expect(eventsOf(highLevel.normalise(timed))[0]).not.toHaveProperty('eventIdSource');
	});

	it('reads a workflow Webhook action sent as GET or DELETE from its query string', () => {
		const input = requestInput('', { query: { contact_id: 'c1', email: 'a@example.com' } });
		expect(eventsOf(highLevel.normalise(input))).toEqual([
			expect.objectContaining({
				event: 'workflow.webhook',
				sourceEvent: 'WorkflowWebhook',
				object: { type: 'contact', id: 'c1' },
				data: { contact_id: 'c1', email: 'a@example.com' },
			}),
		]);
		expect(highLevel.normalise(requestInput(''))).toEqual({ events: [] });
	});

	it('maps INSTALL and unknown PascalCase names', () => {
		const install = '{"type":"INSTALL","appId":"app1","locationId":"l1","companyId":"c1","webhookId":"w1"}';
		expect(eventsOf(highLevel.normalise(requestInput(install)))[0]).toMatchObject({
			event: 'app.installed',
			object: { type: 'app', id: 'app1' },
			context: { locationId: 'l1', companyId: 'c1', appId: 'app1' },
		});
		expect(eventsOf(highLevel.normalise(requestInput('{"type":"LocationCreate","id":"l2"}')))[0].event).toBe('location.created');
	});
});

describe('HighLevel profile: signatures', () => {
	it('embeds the published keys: RSA 4096 and Ed25519, both parseable', () => {
		const rsaKey = createPublicKey(HIGHLEVEL_RSA_PUBLIC_KEY);
		expect(rsaKey.asymmetricKeyType).toBe('rsa');
		expect(rsaKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 4096, publicExponent: 65537n });
		expect(createPublicKey(HIGHLEVEL_ED25519_PUBLIC_KEY).asymmetricKeyType).toBe('ed25519');
		expect(highLevel.builtInVerification?.settingsProblems({})).toEqual([]);
	});

	it('verifies X-GHL-Signature (Ed25519) over the raw body', () => {
		expect(verify({ 'x-ghl-signature': signEd25519(contactCreate) })).toMatchObject({ valid: true, scheme: 'highlevel-ed25519' });
	});

	it('verifies the legacy x-wh-signature (RSA-SHA256)', () => {
		expect(verify({ 'x-wh-signature': signRsa(contactCreate) })).toMatchObject({ valid: true, scheme: 'highlevel-rsa-sha256' });
	});

	describe('signatures over re-serialised JSON', () => {
		const signed = Buffer.from(JSON.stringify({ type: 'ContactCreate', webhookId: 'w1', email: 'owner@example.com' }));
		const headers = { 'x-ghl-signature': signEd25519(signed) };
		// Each re-serialises to the signed bytes; none of them is what was signed.
		const smuggled = Buffer.from('{"type":"ContactCreate","webhookId":"w1","email":"attacker@evil.example","email":"owner@example.com"}');
		const reindented = Buffer.from(JSON.stringify(JSON.parse(signed.toString()), null, 2));
		const optIn: ProfileParameters = { ...settings, highLevelAcceptReserialisedJson: true };

		it('are refused by default: only the exact bytes received verify', () => {
			expect(verify(headers, signed)).toMatchObject({ valid: true, signedBody: { bytes: signed } });
			expect(verify(headers, reindented)).toMatchObject({ valid: false, reason: 'mismatch' });
			expect(verify(headers, smuggled)).toMatchObject({ valid: false, reason: 'mismatch' });
		});

		it('verify when the option is on, and hand on only the signed form', () => {
			const result = verify(headers, reindented, optIn);
			expect(result).toMatchObject({ valid: true, signedBody: { bytes: signed, json: JSON.parse(signed.toString()) } });
		});

		it('never verify a body that names a key twice, even with the option on', () => {
			expect(verify(headers, smuggled, optIn)).toMatchObject({ valid: false, reason: 'mismatch' });
		});

		it('do not parse a body that is not JSON, and say nothing about it to the sender', () => {
			expect(verify(headers, Buffer.from('email=owner%40example.com'), optIn)).toMatchObject({
				valid: false,
				message: 'The HighLevel signature does not match the body',
			});
		});
	});

	it('rejects a forged, tampered or missing signature', () => {
		const forger = generateKeyPairSync('ed25519');
		expect(verify({ 'x-ghl-signature': sign(null, contactCreate, forger.privateKey).toString('base64') })).toMatchObject({
			valid: false,
			reason: 'mismatch',
		});
		const tampered = Buffer.from(contactCreate.toString().replace('John Deo', 'Eve'));
		expect(verify({ 'x-ghl-signature': signEd25519(contactCreate) }, tampered)).toMatchObject({ valid: false });
		expect(verify({ 'x-wh-signature': signRsa(contactCreate) }, tampered)).toMatchObject({ valid: false });
		expect(verify({})).toMatchObject({ valid: false, reason: 'missing' });
		expect(verify({ 'x-ghl-signature': '' })).toMatchObject({ valid: false });
	});

	it('checks against the published keys when no override is set (so a self-signed request fails)', () => {
		expect(verify({ 'x-ghl-signature': signEd25519(contactCreate) }, contactCreate, {})).toMatchObject({ valid: false });
		expect(verify({ 'x-wh-signature': signRsa(contactCreate) }, contactCreate, {})).toMatchObject({ valid: false });
	});

	it('returns the signed body timestamp, so the trigger’s replay window applies to it', () => {
		expect(verify({ 'x-ghl-signature': signEd25519(contactCreate) })).toMatchObject({
			valid: true,
			timestampSeconds: Math.floor(deliveredAt),
		});
		const untimed = fixture('highLevel', 'opportunity-stage-update.json');
		expect(verify({ 'x-ghl-signature': signEd25519(untimed) }, untimed)).not.toHaveProperty('timestampSeconds');
	});

	it('reports unusable replacement keys in plain language', () => {
		expect(
			highLevel.builtInVerification?.settingsProblems({
				highLevelEd25519PublicKey: settings.highLevelRsaPublicKey,
				highLevelRsaPublicKey: 'not a key',
			}),
		).toEqual(['Ed25519 Public Key is a rsa key, not ed25519', 'RSA Public Key is not a PEM public key (-----BEGIN PUBLIC KEY----- …)']);
	});

	it('verifies the seed’s X-Hmac-Signature with a Webhook Signing Secret credential', () => {
		const body = fixture('highLevel', 'workflow-webhook.json');
		const credential = { scheme: 'hmac', secret: 'ghl-secret', algorithm: 'sha256', encoding: 'hex' };
		const signature = createHmac('sha256', 'ghl-secret').update(body).digest('hex');
		const request = { headers: { 'x-hmac-signature': signature }, query: {}, rawBody: body };
		expect(crmAuthenticator(highLevel, 'signingSecret', credential, {})(request, options)).toMatchObject({ valid: true });
		expect(crmSecretHeaders(highLevel, 'signingSecret', credential)).toEqual(['x-hmac-signature', 'x-hmac-signature-previous']);
		expect(crmSecretHeaders(highLevel, 'builtIn', {})).toEqual(['x-ghl-signature', 'x-wh-signature']);
	});
});
