/**
 * The Outbound Webhook node against a real HTTPS receiver on 127.0.0.1 that requires a client
 * certificate (mTLS), with certificates made by openssl for this run.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, INodeExecutionData } from 'n8n-workflow';

import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';
import { clientCertificateCredentialTest } from '../../../nodes/shared/n8n/credentialTests';
import { destroyAgents } from '../../../nodes/shared/outbound/transport';
import type { TestCertificates } from './certificates';
import { CLIENT_KEY_PASSPHRASE, makeTestCertificates } from './certificates';
import { fakeContext } from './fakeContext';
import { startProxy } from './receiver';

const node = new OutboundWebhook();
let certs: TestCertificates;
let server: https.Server;
let url: string;
/** The client certificate's subject of each request that reached the handler. */
const seen: string[] = [];

beforeAll(async () => {
	certs = makeTestCertificates();
	server = https.createServer(
		{ cert: certs.serverCert, key: certs.serverKey, ca: certs.caCert, requestCert: true, rejectUnauthorized: true },
		(req, res) => {
			seen.push(String((req.socket as TLSSocket).getPeerCertificate().subject.CN));
			req.resume();
			req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
		},
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
	destroyAgents();
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => (seen.length = 0));

const items: INodeExecutionData[] = [{ json: { id: 'evt_1' } }];

function run(credential: Record<string, unknown> | undefined, parameters: Record<string, unknown> = {}) {
	const withCertificate = credential !== undefined;
	const { context } = fakeContext(
		{ method: 'POST', url, clientCertificate: withCertificate, retry: { maxAttempts: 1 }, ...parameters },
		items,
		withCertificate ? { credentials: { webhookClientCertificateApi: credential } } : {},
	);
	return node.execute.call(context);
}

describe('Outbound Webhook with a client certificate (mTLS)', () => {
	it('delivers to a receiver that requires the certificate, trusting the receiver through the CA Certificate', async () => {
		const [delivered] = await run({
			certificate: certs.clientCert,
			privateKey: certs.clientKeyEncrypted,
			passphrase: CLIENT_KEY_PASSPHRASE,
			ca: certs.caCert,
		});
		expect(delivered[0].json.delivery).toMatchObject({ status: 'delivered', finalStatusCode: 200 });
		expect(seen).toEqual(['n8n outbound client']);
		// Nothing of the credential reaches the output.
		expect(JSON.stringify(delivered[0].json)).not.toContain('PRIVATE KEY');
	});

	it('explains a receiver that requires a certificate when none is configured', async () => {
		const [, , failed] = await run(undefined, { options: { ignoreTlsErrors: true } });
		expect(failed[0].json.error).toMatchObject({
			code: 'ERR_TLS_CLIENT_CERTIFICATE_REQUIRED',
			message: expect.stringMatching(/requires a client certificate \(mTLS\)/),
		});
		expect(seen).toEqual([]);
	});

	it('says a certificate from a CA the receiver does not know may be why the receiver hung up', async () => {
		const [, , failed] = await run({ certificate: certs.strangerCert, privateKey: certs.strangerKey, ca: certs.caCert });
		expect(failed[0].json.error).toMatchObject({ message: expect.stringMatching(/client certificate/) });
		expect(seen).toEqual([]);
	});

	it('presents the certificate inside an HTTPS_PROXY tunnel: the proxy sees only CONNECT, the receiver the certificate', async () => {
		const proxy = await startProxy();
		const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
		Object.assign(process.env, { HTTPS_PROXY: proxy.url, NO_PROXY: '' });
		try {
			destroyAgents();
			const [delivered] = await run({ certificate: certs.clientCert, privateKey: certs.clientKey, ca: certs.caCert });
			expect(delivered[0].json.delivery).toMatchObject({ status: 'delivered', finalStatusCode: 200 });
			expect(proxy.seen).toEqual([`CONNECT ${new URL(url).host}`]);
			expect(seen).toEqual(['n8n outbound client']);
		} finally {
			for (const [name, value] of Object.entries(saved)) {
				if (value === undefined) delete process.env[name];
				else process.env[name] = value;
			}
			destroyAgents();
			await proxy.close();
		}
	});

	it('fails the node before sending, naming the field, for a key that does not belong to the certificate', async () => {
		await expect(run({ certificate: certs.clientCert, privateKey: certs.strangerKey, ca: certs.caCert })).rejects.toThrow(
			/client certificate credential is not usable: Private Key: it does not belong to the Certificate/,
		);
		expect(seen).toEqual([]);
	});
});

describe('clientCertificateCredentialTest', () => {
	const test = (data: ICredentialDataDecryptedObject) =>
		clientCertificateCredentialTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'mTLS',
			type: 'webhookClientCertificateApi',
			data,
		});

	it('checks the values, and with a Credential Check URL completes a handshake with the receiver', async () => {
		const valid = { certificate: certs.clientCert, privateKey: certs.clientKey, ca: certs.caCert };
		expect(await test(valid)).toMatchObject({ status: 'OK', message: expect.stringMatching(/fit together; valid until/) });
		expect(await test({ ...valid, testUrl: url })).toEqual({
			status: 'OK',
			message: 'The receiver accepted the certificate (it answered HTTP 200)',
		});
		expect(seen).toEqual(['n8n outbound client']);
	});

	it('reports an HTTP 4xx as a certificate the receiver may not accept (nginx completes the handshake and answers 400)', async () => {
		const nginxLike = https.createServer(
			{ cert: certs.serverCert, key: certs.serverKey, ca: certs.caCert, requestCert: true, rejectUnauthorized: false },
			(req, res) => {
				req.resume();
				if ((req.socket as TLSSocket).authorized) res.writeHead(200).end('ok');
				else res.writeHead(400).end('400 The SSL certificate error');
			},
		);
		await new Promise<void>((resolve) => nginxLike.listen(0, '127.0.0.1', resolve));
		try {
			const testUrl = `https://127.0.0.1:${(nginxLike.address() as AddressInfo).port}/`;
			const stranger = { certificate: certs.strangerCert, privateKey: certs.strangerKey, ca: certs.caCert, testUrl };
			expect(await test(stranger)).toEqual({
				status: 'Error',
				message:
					'Credential Check URL: the receiver answered HTTP 400, so it may not accept the certificate (nginx answers 400 to one it does not trust); use a URL that answers 2xx once the certificate is accepted',
			});
			expect(await test({ ...stranger, certificate: certs.clientCert, privateKey: certs.clientKey })).toMatchObject({ status: 'OK' });
		} finally {
			destroyAgents();
			await new Promise((resolve) => nginxLike.close(resolve));
		}
	});

	it('points at CA Certificate when the receiver’s own certificate comes from a private CA left out', async () => {
		const withoutCa = { certificate: certs.clientCert, privateKey: certs.clientKey, testUrl: url };
		expect(await test(withoutCa)).toEqual({
			status: 'Error',
			message:
				"Credential Check URL: the receiver's own certificate is not trusted: invalid, expired, for another host, or issued by a private CA; paste that CA into CA Certificate",
		});
	});

	it('refuses an http:// Credential Check URL, where no certificate is ever presented', async () => {
		const valid = { certificate: certs.clientCert, privateKey: certs.clientKey, ca: certs.caCert, testUrl: 'http://127.0.0.1:9/' };
		expect(await test(valid)).toEqual({
			status: 'Error',
			message: 'Credential Check URL: use https://, or no certificate is ever presented',
		});
	});

	it('reports a refused certificate and unusable values as errors', async () => {
		const stranger = { certificate: certs.strangerCert, privateKey: certs.strangerKey, ca: certs.caCert, testUrl: url };
		expect(await test(stranger)).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^Credential Check URL: .*client certificate/),
		});
		expect(await test({ certificate: certs.clientCert, privateKey: '' })).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^Private Key: empty/),
		});
	});
});
