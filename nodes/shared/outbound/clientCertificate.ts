/**
 * The client certificate (mTLS) an Outbound Webhook presents to receivers that require one, read
 * from a Webhook Client Certificate credential. Checked before anything is sent: Node would throw
 * from inside the request for a key that does not match its certificate, and an expired
 * certificate only shows up as the receiver hanging up.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const CLIENT_CERTIFICATE_CREDENTIAL = 'webhookClientCertificateApi';

/** What node:tls takes: PEM text, the key's passphrase, and the CA bundle that replaces the public CAs. */
export interface ClientTls {
	cert: string;
	key: string;
	passphrase?: string;
	ca?: string;
}

export type ClientCertificateReading = { tls: ClientTls; notAfter: string } | { problems: string[] };

/** n8n keeps pasted PEM as typed; a value copied from JSON may carry "\n" as two characters. */
const pemText = (value: unknown) => (typeof value === 'string' ? value.replace(/\\n/g, '\n').trim() : '');

function parseCertificate(text: string, field: string, problems: string[], nowMs: number): X509Certificate | undefined {
	if (text === '') {
		problems.push(`${field}: empty; paste the PEM text that starts with -----BEGIN CERTIFICATE-----`);
		return undefined;
	}
	let certificate: X509Certificate;
	try {
		certificate = new X509Certificate(text);
	} catch {
		problems.push(`${field}: not a PEM certificate; paste the text that starts with -----BEGIN CERTIFICATE-----`);
		return undefined;
	}
	const notAfter = Date.parse(certificate.validTo);
	const notBefore = Date.parse(certificate.validFrom);
	if (notAfter < nowMs) problems.push(`${field}: expired on ${new Date(notAfter).toISOString()}; ask for a renewed certificate`);
	else if (notBefore > nowMs) problems.push(`${field}: not valid before ${new Date(notBefore).toISOString()}`);
	return certificate;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The CA Certificate may be a bundle: during a CA rotation the old CA stays beside the new one, and
 * node:tls trusts each. Every block must be a certificate; one of them must be valid now.
 */
function checkCaBundle(text: string, problems: string[], nowMs: number): void {
	const blocks = text.match(PEM_CERTIFICATE) ?? [text];
	const found = blocks.map((block) => {
		const own: string[] = [];
		const certificate = parseCertificate(block, 'CA Certificate', own, nowMs);
		return { certificate, own };
	});
	const unreadable = found.find(({ certificate }) => !certificate);
	if (unreadable) problems.push(...unreadable.own);
	else if (found.every(({ own }) => own.length > 0)) problems.push(...found[0].own);
}

function parsePrivateKey(text: string, passphrase: string | undefined, problems: string[]): KeyObject | undefined {
	if (text === '') {
		problems.push('Private Key: empty; paste the PEM text that starts with -----BEGIN … PRIVATE KEY-----');
		return undefined;
	}
	try {
		return createPrivateKey({ key: text, format: 'pem', ...(passphrase !== undefined ? { passphrase } : {}) });
	} catch (error) {
		const encrypted = /ENCRYPTED/.test(text) || /passphrase|decrypt/i.test(String((error as Error).message));
		problems.push(
			encrypted
				? 'Passphrase: missing or wrong for this encrypted Private Key'
				: 'Private Key: not a PEM private key; paste the text that starts with -----BEGIN … PRIVATE KEY-----',
		);
		return undefined;
	}
}

/** The TLS options of a credential, or the problems found, each naming the field and the fix. */
export function readClientCertificate(data: Record<string, unknown>, nowMs = Date.now()): ClientCertificateReading {
	const problems: string[] = [];
	const cert = pemText(data.certificate);
	const key = pemText(data.privateKey);
	const ca = pemText(data.ca);
	const passphrase = typeof data.passphrase === 'string' && data.passphrase !== '' ? data.passphrase : undefined;
	const certificate = parseCertificate(cert, 'Certificate', problems, nowMs);
	const privateKey = parsePrivateKey(key, passphrase, problems);
	if (certificate && privateKey && !certificate.checkPrivateKey(privateKey)) {
		problems.push('Private Key: it does not belong to the Certificate; paste the key the certificate was issued for');
	}
	if (ca !== '') checkCaBundle(ca, problems, nowMs);
	if (problems.length > 0 || !certificate) return { problems };
	return {
		tls: { cert, key, ...(passphrase !== undefined ? { passphrase } : {}), ...(ca !== '' ? { ca } : {}) },
		notAfter: new Date(Date.parse(certificate.validTo)).toISOString(),
	};
}
