import { createHmac } from 'node:crypto';

import { crmAuthenticator, crmProfile } from '../../../../nodes/shared/crm';
import { signV3 } from '../../../../nodes/shared/crm/hubspotSignature';
import { SIGNET_VECTOR } from '../signatures/ed25519Keys';

// A receive-only Standard Webhooks credential: its Secret is a whpk_ public key, which anyone may know.
const publicKeyCredential = { scheme: 'standardWebhooks', secret: SIGNET_VECTOR.publicKey };
const now = 1_710_175_870;
const options = { toleranceSeconds: 300, nowSeconds: now };
const body = Buffer.from('{"webhook_id":"w","events":[{"event_type":"record.created","id":{"record_id":"forged"}}]}');
const url = 'https://n8n.example.com/webhook/crm';
const hmacWithPublicKey = (...parts: Array<string | Buffer>) =>
	parts.reduce((hmac, part) => hmac.update(part), createHmac('sha256', SIGNET_VECTOR.publicKey)).digest('hex');

describe('crmAuthenticator: a whpk_ public key is never an HMAC secret', () => {
	it.each([
		['attio', { 'attio-signature': hmacWithPublicKey(body) }],
		['close', { 'close-sig-timestamp': String(now), 'close-sig-hash': hmacWithPublicKey(String(now), body) }],
		[
			'hubspot',
			{
				'x-hubspot-signature-v3': signV3(SIGNET_VECTOR.publicKey, 'POST', url, body, `${now}000`),
				'x-hubspot-request-timestamp': `${now}000`,
			},
		],
	])('refuses %s requests signed with the public key that the credential holds', (crm, headers) => {
		const verify = crmAuthenticator(crmProfile(crm), 'signingSecret', publicKeyCredential, {}, { method: 'POST', url });
		expect(verify({ headers, query: {}, rawBody: body }, options)).toMatchObject({ valid: false, reason: 'mismatch' });
	});
});
