import { createHash, createHmac } from 'node:crypto';

import Stripe from 'stripe';

import type { InboundSignature } from '../../../../nodes/shared/signatures/presets';
import { inboundSignatureHeaders, SIGNATURE_PRESETS, verifyInboundSignature } from '../../../../nodes/shared/signatures/presets';
import type { TemplateRequest } from '../../../../nodes/shared/signatures/template';

/**
 * Each preset against the sender's own published example, where the sender publishes one. The pages
 * are listed in test/fixtures/signatures/README.md.
 */
const FORM = 'application/x-www-form-urlencoded';
const now = 1_531_420_618;
const within = { toleranceSeconds: 0, nowSeconds: now };

const request = (headers: Record<string, string>, body: string | Buffer, url?: string): TemplateRequest => ({
	method: 'POST',
	url: () => url,
	headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
	rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
});
const verify = (preset: InboundSignature, secret: string, req: TemplateRequest, options = within) =>
	verifyInboundSignature(preset, [secret], req, options);

describe('GitHub preset', () => {
	// docs.github.com, "Validating webhook deliveries", Testing the webhook payload validation.
	const secret = "It's a Secret to Everybody";
	const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

	it('accepts the example GitHub documents', () => {
		const verified = verify(SIGNATURE_PRESETS.github, secret, request({ 'X-Hub-Signature-256': signature }, 'Hello, World!'));
		expect(verified).toEqual({ valid: true, scheme: 'github', secretIndex: 0 });
	});

	it('refuses the example with another body, another secret, or without the sha256= prefix', () => {
		const header = { 'X-Hub-Signature-256': signature };
		expect(verify(SIGNATURE_PRESETS.github, secret, request(header, 'Hello, World?'))).toMatchObject({ reason: 'mismatch' });
		expect(verify(SIGNATURE_PRESETS.github, 'another secret', request(header, 'Hello, World!'))).toMatchObject({ reason: 'mismatch' });
		const bare = { 'X-Hub-Signature-256': signature.slice('sha256='.length) };
		expect(verify(SIGNATURE_PRESETS.github, secret, request(bare, 'Hello, World!'))).toMatchObject({ reason: 'malformed' });
	});
});

describe('Slack preset', () => {
	// api.slack.com/authentication/verifying-requests-from-slack: the slash command example.
	const secret = '8f742231b10e8888abcd99yyyzzz85a5';
	const body =
		'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
	const headers = {
		'X-Slack-Request-Timestamp': '1531420618',
		'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
		'Content-Type': FORM,
	};

	it('accepts the example Slack documents and reports its timestamp for the replay window', () => {
		expect(verify(SIGNATURE_PRESETS.slack, secret, request(headers, body))).toEqual({
			valid: true,
			scheme: 'slack',
			secretIndex: 0,
			timestampSeconds: 1_531_420_618,
		});
	});

	it('refuses it with another timestamp, outside a five-minute window, or without the timestamp header', () => {
		const moved = { ...headers, 'X-Slack-Request-Timestamp': '1531420619' };
		expect(verify(SIGNATURE_PRESETS.slack, secret, request(moved, body))).toMatchObject({ reason: 'mismatch' });
		const atEdge = { toleranceSeconds: 300, nowSeconds: now + 300 };
		expect(verify(SIGNATURE_PRESETS.slack, secret, request(headers, body), atEdge)).toMatchObject({ valid: true });
		const later = { toleranceSeconds: 300, nowSeconds: now + 301 };
		expect(verify(SIGNATURE_PRESETS.slack, secret, request(headers, body), later)).toMatchObject({ reason: 'expired' });
		const { 'X-Slack-Request-Timestamp': _dropped, ...untimed } = headers;
		expect(verify(SIGNATURE_PRESETS.slack, secret, request(untimed, body))).toMatchObject({ reason: 'missing' });
	});
});

describe('Twilio preset', () => {
	// twilio.com/docs/usage/webhooks/webhooks-security and twilio/api-snippets security/signature_validation.
	const token = '12345';
	const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
	const params = 'CallSid=CA1234567890ABCDE&Caller=%2B14158675310&Digits=1234&From=%2B14158675310&To=%2B18005551212';
	const signed = (signature: string) => ({ 'X-Twilio-Signature': signature, 'Content-Type': FORM });

	it('accepts the example Twilio documents: the URL, then each form parameter sorted by name', () => {
		const verified = verify(SIGNATURE_PRESETS.twilio, token, request(signed('GvWf1cFY/Q7PnoempGyD5oXAezc='), params, url));
		expect(verified).toEqual({ valid: true, scheme: 'twilio', secretIndex: 0 });
	});

	it('accepts the same request posted with its fields in another order, and signed with the port', () => {
		const shuffled = params.split('&').reverse().join('&');
		expect(verify(SIGNATURE_PRESETS.twilio, token, request(signed('GvWf1cFY/Q7PnoempGyD5oXAezc='), shuffled, url)).valid).toBe(true);
		const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
		const signature = createHmac('sha1', token)
			.update(`${withPort}CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212`)
			.digest('base64');
		expect(verify(SIGNATURE_PRESETS.twilio, token, request(signed(signature), params, url)).valid).toBe(true);
	});

	it('refuses the example at another URL or with a changed parameter', () => {
		const example = signed('GvWf1cFY/Q7PnoempGyD5oXAezc=');
		const otherUrl = 'https://mycompany.com/myapp.php?foo=1&bar=3';
		expect(verify(SIGNATURE_PRESETS.twilio, token, request(example, params, otherUrl))).toMatchObject({ reason: 'mismatch' });
		const changed = params.replace('Digits=1234', 'Digits=1235');
		expect(verify(SIGNATURE_PRESETS.twilio, token, request(example, changed, url))).toMatchObject({ reason: 'mismatch' });
	});

	describe('a JSON body, signed through bodySHA256 in the URL', () => {
		// The body and URL of twilio/api-snippets security/signature_validation_json. Its signature is made
		// with a token it reads from the environment, so the signature is computed here with the test's.
		const body = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';
		const jsonUrl = 'https://example.com/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9';
		const headers = {
			'X-Twilio-Signature': createHmac('sha1', token).update(jsonUrl).digest('base64'),
			'Content-Type': 'application/json',
		};

		it('accepts the example: the signature covers the URL, the hash covers the exact body', () => {
			expect(createHash('sha256').update(body).digest('hex')).toBe(jsonUrl.split('=')[1]);
			expect(verify(SIGNATURE_PRESETS.twilio, token, request(headers, body, jsonUrl)).valid).toBe(true);
		});

		it('refuses another body under the same URL and signature, and a JSON body without bodySHA256', () => {
			const other = body.replace('+12349013030', '+12349013031');
			expect(verify(SIGNATURE_PRESETS.twilio, token, request(headers, other, jsonUrl))).toMatchObject({ reason: 'mismatch' });
			const bare = 'https://example.com/myapp';
			const signature = createHmac('sha1', token).update(bare).digest('base64');
			const unhashed = request({ ...headers, 'X-Twilio-Signature': signature }, body, bare);
			expect(verify(SIGNATURE_PRESETS.twilio, token, unhashed)).toMatchObject({ reason: 'missing' });
		});
	});
});

describe('Shopify preset', () => {
	// shopify.dev/docs/apps/build/webhooks/subscribe/https: base64 HMAC-SHA256 of the body with the app's
	// client secret. Shopify publishes no example values, so the signature is computed here.
	const secret = 'shpss_example_client_secret';
	const body = '{"id":820982911946154508,"email":"jon@example.com","closed_at":null}';
	const signature = createHmac('sha256', secret).update(body).digest('base64');

	it('accepts the base64 HMAC-SHA256 of the body and refuses it in hex', () => {
		const accepted = verify(SIGNATURE_PRESETS.shopify, secret, request({ 'X-Shopify-Hmac-Sha256': signature }, body));
		expect(accepted).toEqual({ valid: true, scheme: 'shopify', secretIndex: 0 });
		const hex = createHmac('sha256', secret).update(body).digest('hex');
		expect(verify(SIGNATURE_PRESETS.shopify, secret, request({ 'X-Shopify-Hmac-Sha256': hex }, body))).toMatchObject({
			reason: 'mismatch',
		});
	});
});

describe('Stripe preset', () => {
	const stripe = new Stripe('sk_test_unused');
	const secret = 'whsec_test_secret';
	const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created' });

	it('is the Stripe-style scheme: accepts what stripe-node signs, with each of several v1 signatures', () => {
		const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now });
		const verified = verify(SIGNATURE_PRESETS.stripe, secret, request({ 'Stripe-Signature': header }, body));
		expect(verified).toMatchObject({ valid: true, scheme: 'timestamped-hmac-sha256', timestampSeconds: now });
		const other = stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_other', timestamp: now });
		const both = `${other},${header.replace(/^t=\d+,/, '')}`;
		expect(verify(SIGNATURE_PRESETS.stripe, secret, request({ 'Stripe-Signature': both }, body)).valid).toBe(true);
		expect(verify(SIGNATURE_PRESETS.stripe, secret, request({ 'Stripe-Signature': other }, body))).toMatchObject({ reason: 'mismatch' });
	});
});

describe('the headers a preset redacts', () => {
	it('are its signature headers, lower-case', () => {
		expect(inboundSignatureHeaders(SIGNATURE_PRESETS.slack)).toEqual(['x-slack-signature']);
		expect(inboundSignatureHeaders(SIGNATURE_PRESETS.stripe)).toEqual(['stripe-signature']);
		expect(inboundSignatureHeaders(SIGNATURE_PRESETS.twilio)).toEqual(['x-twilio-signature']);
	});
});
