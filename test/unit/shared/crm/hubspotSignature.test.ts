import { createHash, createHmac } from 'node:crypto';

import { signedUri, signV1, signV2, verifyHubSpot } from '../../../../nodes/shared/crm/hubspotSignature';

// HubSpot's published examples ("Validating requests", v1 and v2), with their placeholder client secret.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const V1_BODY = Buffer.from(
	'[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]',
);
const V2_URL = 'https://www.example.com/webhook_uri';
const V2_BODY = Buffer.from('{"example_field":"example_value"}');

const URL = 'https://crm.example.com/webhook/crm-hubspot';
const NOW_MS = 1735725600000;
const options = { toleranceSeconds: 0, nowSeconds: Math.floor(NOW_MS / 1000) };
// Written out here, independent of the module: base64 HMAC-SHA256 of method + URI + body + timestamp.
const v3 = (uri: string, body: Buffer, timestamp = String(NOW_MS), secret = SECRET) =>
	createHmac('sha256', secret).update(`POST${uri}${body.toString()}${timestamp}`, 'utf8').digest('base64');
const v3Headers = (signature: string, timestamp = String(NOW_MS)) => ({
	'x-hubspot-signature-v3': signature,
	'x-hubspot-request-timestamp': timestamp,
});
const request = (headers: Record<string, string | string[]>, rawBody = V1_BODY, url = URL) => ({
	method: 'POST',
	url,
	headers,
	rawBody,
});

describe('HubSpot signatures', () => {
	it('reproduces HubSpot’s published v1 and v2 examples', () => {
		expect(signV1(SECRET, V1_BODY)).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
		expect(signV2(SECRET, 'GET', V2_URL, Buffer.alloc(0))).toBe('eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e');
		expect(signV2(SECRET, 'POST', V2_URL, V2_BODY)).toBe('9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900');
	});

	it('accepts v1 and v2 as X-HubSpot-Signature-Version says, and only that version', () => {
		const v1 = { 'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de' };
		expect(verifyHubSpot(request({ ...v1, 'x-hubspot-signature-version': 'v1' }), [SECRET], 'any', options)).toEqual({
			valid: true,
			scheme: 'hubspot-v1',
			secretIndex: 0,
		});
		expect(verifyHubSpot(request({ ...v1, 'x-hubspot-signature-version': 'v2' }), [SECRET], 'any', options)).toMatchObject({
			valid: false,
			reason: 'mismatch',
		});
		const v2 = {
			'x-hubspot-signature': '9569219F8BA981FFA6F6F16AA0F48637D35D728C7E4D93D0D52EFAA512AF7900',
			'x-hubspot-signature-version': 'v2',
		};
		expect(verifyHubSpot(request(v2, V2_BODY, V2_URL), ['old', SECRET], 'any', options)).toMatchObject({
			valid: true,
			scheme: 'hubspot-v2',
			secretIndex: 1,
		});
		expect(verifyHubSpot(request({ ...v2, 'x-hubspot-signature-version': 'v9' }, V2_BODY, V2_URL), [SECRET], 'any', options)).toMatchObject(
			{
				reason: 'malformed',
			},
		);
	});

	it('accepts v3 over method, URL, raw body and timestamp, and hands the timestamp to the replay window', () => {
		expect(verifyHubSpot(request(v3Headers(v3(URL, V1_BODY))), [SECRET], 'v3', options)).toEqual({
			valid: true,
			scheme: 'hubspot-v3',
			secretIndex: 0,
			timestampSeconds: Math.floor(NOW_MS / 1000),
		});
		for (const [label, forged] of [
			['another URL', v3('https://other.example.com/webhook/crm-hubspot', V1_BODY)],
			['another timestamp', v3(URL, V1_BODY, String(NOW_MS + 1))],
			['another secret', v3(URL, V1_BODY, String(NOW_MS), 'guess')],
			['another body', v3(URL, Buffer.from(`${V1_BODY.toString()} `))],
		]) {
			expect([label, verifyHubSpot(request(v3Headers(forged)), [SECRET], 'any', options)]).toMatchObject([
				label,
				{ valid: false, reason: 'mismatch' },
			]);
		}
	});

	it('judges a request carrying v3 on v3 alone: a valid v1 beside a forged v3 is refused', () => {
		const headers = {
			...v3Headers(v3(URL, V1_BODY, String(NOW_MS), 'guess')),
			'x-hubspot-signature': signV1(SECRET, V1_BODY),
			'x-hubspot-signature-version': 'v1',
		};
		expect(verifyHubSpot(request(headers), [SECRET], 'any', options)).toMatchObject({ valid: false, reason: 'mismatch' });
	});

	it('refuses v1 and v2 when restricted to v3, and a request with no signature at all', () => {
		const v1 = { 'x-hubspot-signature': signV1(SECRET, V1_BODY), 'x-hubspot-signature-version': 'v1' };
		expect(verifyHubSpot(request(v1), [SECRET], 'v3', options)).toMatchObject({ valid: false, reason: 'missing' });
		expect(verifyHubSpot(request({}), [SECRET], 'any', options)).toMatchObject({
			valid: false,
			reason: 'missing',
			message: 'Missing X-HubSpot-Signature-v3 or X-HubSpot-Signature header',
		});
	});

	it('refuses a v3 without its timestamp, a timestamp that is not one, and a duplicated signature header', () => {
		const signature = v3(URL, V1_BODY);
		expect(verifyHubSpot(request({ 'x-hubspot-signature-v3': signature }), [SECRET], 'any', options)).toMatchObject({ reason: 'missing' });
		expect(verifyHubSpot(request(v3Headers(signature, 'yesterday')), [SECRET], 'any', options)).toMatchObject({ reason: 'malformed' });
		expect(
			verifyHubSpot(request({ ...v3Headers(signature), 'x-hubspot-signature-v3': [signature, signature] }), [SECRET], 'any', options),
		).toMatchObject({
			reason: 'malformed',
		});
	});

	it('refuses v3 and v2 when n8n could not tell the URL, and says how to fix it', () => {
		const noUrl = (headers: Record<string, string>) => ({ ...request(headers), url: undefined });
		const v2 = { 'x-hubspot-signature': signV2(SECRET, 'POST', URL, V1_BODY), 'x-hubspot-signature-version': 'v2' };
		for (const headers of [v3Headers(v3(URL, V1_BODY)), v2]) {
			expect(verifyHubSpot(noUrl(headers), [SECRET], 'any', options)).toMatchObject({
				valid: false,
				message: expect.stringContaining('WEBHOOK_URL'),
			});
		}
		expect(verifyHubSpot(request(v2), [SECRET], 'any', options)).toMatchObject({ valid: true, scheme: 'hubspot-v2' });
	});

	it('decodes the characters of HubSpot’s table in the URI before signing v3, and no others', () => {
		const sent = 'https://crm.example.com/webhook/crm-hubspot?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B&b=%26%3D%2B%20%25&c=%3a';
		expect(signedUri(sent)).toBe("https://crm.example.com/webhook/crm-hubspot?a=:/?@!$'()*,;&b=%26%3D%2B%20%25&c=:");
		const signature = createHmac('sha256', SECRET)
			.update(`POST${signedUri(sent)}${V1_BODY.toString()}${NOW_MS}`)
			.digest('base64');
		expect(verifyHubSpot(request(v3Headers(signature), V1_BODY, sent), [SECRET], 'any', options)).toMatchObject({ valid: true });
	});

	it('hashes v1 over the exact bytes, so a body that is not UTF-8 text still verifies', () => {
		const bytes = Buffer.from([0x5b, 0xff, 0xfe, 0x5d]);
		const expected = createHash('sha256')
			.update(Buffer.concat([Buffer.from(SECRET), bytes]))
			.digest('hex');
		expect(signV1(SECRET, bytes)).toBe(expected);
	});
});
