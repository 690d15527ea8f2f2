/**
 * Certificates for the mTLS tests, made with the openssl command line at test time into a temporary
 * folder: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate the CA signed,
 * a client certificate from another CA, and the client key encrypted with a passphrase.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificates {
	caCert: string;
	/** Another CA, valid for one day only (the others for two): an old CA kept in a bundle. */
	shortLivedCaCert: string;
	serverCert: string;
	serverKey: string;
	clientCert: string;
	clientKey: string;
	/** The client key encrypted with CLIENT_KEY_PASSPHRASE. */
	clientKeyEncrypted: string;
	/** A client certificate and key from a CA the server does not know. */
	strangerCert: string;
	strangerKey: string;
	dir: string;
}

export const CLIENT_KEY_PASSPHRASE = 'correct horse';

function openssl(dir: string, ...args: string[]) {
	execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function issue(dir: string, name: string, subject: string, ca: string, extensions?: string) {
	openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
	const extra = extensions ? ['-extfile', extensions] : [];
	openssl(
		dir,
		'x509',
		'-req',
		'-in',
		`${name}.csr`,
		'-CA',
		`${ca}.crt`,
		'-CAkey',
		`${ca}.key`,
		'-CAcreateserial',
		'-days',
		'2',
		'-out',
		`${name}.crt`,
		...extra,
	);
}

export function makeTestCertificates(): TestCertificates {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-webhooks-mtls-'));
	for (const [ca, days] of [
		['ca', '2'],
		['otherCa', '2'],
		['shortLivedCa', '1'],
	]) {
		openssl(
			dir,
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-keyout',
			`${ca}.key`,
			'-out',
			`${ca}.crt`,
			'-days',
			days,
			'-subj',
			`/CN=Test ${ca}`,
		);
	}
	fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
	issue(dir, 'server', '/CN=localhost', 'ca', 'server.ext');
	issue(dir, 'client', '/CN=n8n outbound client', 'ca');
	issue(dir, 'stranger', '/CN=stranger', 'otherCa');
	openssl(dir, 'pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${CLIENT_KEY_PASSPHRASE}`, '-out', 'client.enc.key');
	const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
	return {
		caCert: read('ca.crt'),
		shortLivedCaCert: read('shortLivedCa.crt'),
		serverCert: read('server.crt'),
		serverKey: read('server.key'),
		clientCert: read('client.crt'),
		clientKey: read('client.key'),
		clientKeyEncrypted: read('client.enc.key'),
		strangerCert: read('stranger.crt'),
		strangerKey: read('stranger.key'),
		dir,
	};
}
