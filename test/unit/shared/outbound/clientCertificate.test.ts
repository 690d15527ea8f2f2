import { readClientCertificate } from '../../../../nodes/shared/outbound/clientCertificate';
import type { TestCertificates } from '../../../integration/outbound/certificates';
import { CLIENT_KEY_PASSPHRASE, makeTestCertificates } from '../../../integration/outbound/certificates';

const DAY_MS = 24 * 3600 * 1000;
let certs: TestCertificates;
beforeAll(() => (certs = makeTestCertificates()));

const problemsOf = (data: Record<string, unknown>, nowMs?: number) => {
	const reading = readClientCertificate(data, nowMs);
	return 'problems' in reading ? reading.problems : [];
};

describe('readClientCertificate', () => {
	it('gives node:tls the certificate, key and CA, and says until when the certificate is valid', () => {
		const reading = readClientCertificate({ certificate: certs.clientCert, privateKey: certs.clientKey, ca: certs.caCert });
		expect(reading).toEqual({
			tls: { cert: certs.clientCert.trim(), key: certs.clientKey.trim(), ca: certs.caCert.trim() },
			notAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
	});

	it('opens an encrypted key with its passphrase, and names the Passphrase when it is missing or wrong', () => {
		const data = { certificate: certs.clientCert, privateKey: certs.clientKeyEncrypted };
		expect(readClientCertificate({ ...data, passphrase: CLIENT_KEY_PASSPHRASE })).toMatchObject({
			tls: { passphrase: CLIENT_KEY_PASSPHRASE },
		});
		expect(problemsOf(data)).toEqual(['Passphrase: missing or wrong for this encrypted Private Key']);
		expect(problemsOf({ ...data, passphrase: 'wrong' })).toEqual(['Passphrase: missing or wrong for this encrypted Private Key']);
	});

	it('refuses a key that does not belong to the certificate, before Node would throw inside the request', () => {
		expect(problemsOf({ certificate: certs.clientCert, privateKey: certs.strangerKey })).toEqual([
			'Private Key: it does not belong to the Certificate; paste the key the certificate was issued for',
		]);
	});

	it('refuses an expired certificate and one not valid yet, with the date', () => {
		const data = { certificate: certs.clientCert, privateKey: certs.clientKey };
		expect(problemsOf(data, Date.now() + 3 * DAY_MS)).toEqual([
			expect.stringMatching(/^Certificate: expired on \d{4}-.*; ask for a renewed certificate$/),
		]);
		expect(problemsOf(data, Date.now() - 2 * DAY_MS)).toEqual([expect.stringMatching(/^Certificate: not valid before \d{4}-/)]);
	});

	it('takes a CA bundle in which one CA is valid now, as node:tls does (an old CA kept during a rotation)', () => {
		const data = { certificate: certs.clientCert, privateKey: certs.clientKey };
		const inADayAndAHalf = Date.now() + 1.5 * DAY_MS;
		const oldFirst = `${certs.shortLivedCaCert}${certs.caCert}`;
		expect(problemsOf({ ...data, ca: oldFirst }, inADayAndAHalf)).toEqual([]);
		expect(problemsOf({ ...data, ca: certs.shortLivedCaCert }, inADayAndAHalf)).toEqual([
			expect.stringMatching(/^CA Certificate: expired on \d{4}-/),
		]);
		const broken = oldFirst.replace(/(-----BEGIN CERTIFICATE-----\n)MII/g, '$1XXX');
		expect(problemsOf({ ...data, ca: broken })).toEqual([
			'CA Certificate: not a PEM certificate; paste the text that starts with -----BEGIN CERTIFICATE-----',
		]);
	});

	it('names each field that is empty or is not PEM', () => {
		expect(problemsOf({})).toEqual([
			'Certificate: empty; paste the PEM text that starts with -----BEGIN CERTIFICATE-----',
			'Private Key: empty; paste the PEM text that starts with -----BEGIN … PRIVATE KEY-----',
		]);
		expect(problemsOf({ certificate: 'not a certificate', privateKey: 'not a key', ca: 'nor a CA' })).toEqual([
			'Certificate: not a PEM certificate; paste the text that starts with -----BEGIN CERTIFICATE-----',
			'Private Key: not a PEM private key; paste the text that starts with -----BEGIN … PRIVATE KEY-----',
			'CA Certificate: not a PEM certificate; paste the text that starts with -----BEGIN CERTIFICATE-----',
		]);
	});

	it('reads PEM whose line breaks were pasted as the two characters \\n', () => {
		const flattened = (pem: string) => pem.trim().replace(/\n/g, '\\n');
		const reading = readClientCertificate({ certificate: flattened(certs.clientCert), privateKey: flattened(certs.clientKey) });
		expect(reading).toMatchObject({ tls: { cert: certs.clientCert.trim() } });
	});
});
