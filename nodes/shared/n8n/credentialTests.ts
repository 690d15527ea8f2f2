import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { CREDENTIAL_TYPES, outboundAuth, signPreviousUntilProblem } from '../auth';
import { credentialProblems } from '../credentialProblems';
import { CLIENT_CERTIFICATE_CREDENTIAL, readClientCertificate } from '../outbound/clientCertificate';
import { explainError, explainWithClientCertificate, isReceiverCertificateFailure } from '../outbound/explanations';
import { accessToken, forgetClientToken, CLIENT_GRANT_TYPE, OAuth2TokenError, readOAuth2Credential } from '../outbound/oauth2';
import { request, toTransportError } from '../outbound/transport';
import { validateUrl, withQueryPairs } from '../outbound/url';

const TEST_TIMEOUT_MS = 10_000;

type CredentialTest = (
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
) => Promise<INodeCredentialTestResult>;

/**
 * An n8n credential test for the credential types in `typesByKind` (kind → type name): `test` gets
 * the kind and the values; a credential of any other type is answered with an error naming it.
 */
export function credentialTestFor<Kind extends string>(
	typesByKind: Record<Kind, string>,
	test: (kind: Kind, data: ICredentialDataDecryptedObject) => Promise<INodeCredentialTestResult>,
): CredentialTest {
	const kindByType = new Map(Object.entries<string>(typesByKind).map(([kind, type]) => [type, kind as Kind]));
	return async function (credential) {
		const kind = kindByType.get(credential.type ?? '');
		if (!kind) return { status: 'Error', message: `Unknown credential type ${credential.type}` };
		return await test(kind, credential.data ?? {});
	};
}

/**
 * The credential test of every credential in this package (`testedBy: 'webhookCredentialTest'`).
 * It always checks the values (empty fields, line breaks that would break headers, a colon in a
 * Basic Auth username, a Standard Webhooks secret that is not base64 …). When the credential has a
 * Credential Check URL, it also sends a GET request there with the credential and expects a 2xx answer.
 */
export const webhookCredentialTest = credentialTestFor(CREDENTIAL_TYPES, async (kind, data) => {
	const problems = credentialProblems(kind, data);
	// Only the Outbound node signs, but its refusal should not come as a surprise after the test said "valid".
	const untilProblem = kind === 'signingSecret' ? signPreviousUntilProblem(data) : undefined;
	if (untilProblem) problems.push(untilProblem);
	if (problems.length > 0) return { status: 'Error', message: problems.join('; ') };

	const testUrl = typeof data.testUrl === 'string' ? data.testUrl.trim() : '';
	if (testUrl === '') {
		return { status: 'OK', message: 'The values are valid. Add a Credential Check URL to also try them against a server.' };
	}
	let url: URL;
	try {
		url = validateUrl(testUrl, 'Credential Check URL');
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	const auth = outboundAuth(kind, data);
	// As the node adds the key: the Credential Check URL's own query stays as written.
	withQueryPairs(url, [], auth.query);
	try {
		const response = await request({
			method: 'GET',
			url,
			headers: { Accept: '*/*', ...auth.headers },
			timeoutMs: TEST_TIMEOUT_MS,
			maxResponseBytes: 16 * 1024,
		});
		if (response.statusCode >= 200 && response.statusCode < 300) {
			return { status: 'OK', message: `The Credential Check URL accepted the credential (HTTP ${response.statusCode})` };
		}
		return {
			status: 'Error',
			message: `The Credential Check URL answered HTTP ${response.statusCode} ${response.statusMessage}`.trim(),
		};
	} catch (error) {
		return { status: 'Error', message: `Could not reach the Credential Check URL: ${(error as Error).message}` };
	}
});

/**
 * The Webhook Client Certificate credential's test (`testedBy: 'clientCertificateCredentialTest'`):
 * the certificate, key, passphrase and CA must parse and fit together, and with a Credential Check URL (https)
 * the receiver must complete a TLS handshake with the certificate and answer 2xx or 3xx: nginx, for
 * one, completes the handshake with a certificate it does not trust and answers 400.
 */
const UNTRUSTED_RECEIVER =
	"the receiver's own certificate is not trusted: invalid, expired, for another host, or issued by a private CA; paste that CA into CA Certificate";

export const clientCertificateCredentialTest = credentialTestFor(
	{ clientCertificate: CLIENT_CERTIFICATE_CREDENTIAL },
	async (_kind, data) => {
		const reading = readClientCertificate(data);
		if ('problems' in reading) return { status: 'Error', message: reading.problems.join('; ') };
		const testUrl = typeof data.testUrl === 'string' ? data.testUrl.trim() : '';
		if (testUrl === '') return { status: 'OK', message: `The certificate and key fit together; valid until ${reading.notAfter}` };
		let url: URL;
		try {
			url = validateUrl(testUrl, 'Credential Check URL');
		} catch (error) {
			return { status: 'Error', message: (error as Error).message };
		}
		if (url.protocol !== 'https:')
			return { status: 'Error', message: 'Credential Check URL: use https://, or no certificate is ever presented' };
		try {
			const response = await request({
				method: 'GET',
				url,
				clientTls: reading.tls,
				timeoutMs: TEST_TIMEOUT_MS,
				maxResponseBytes: 16 * 1024,
			});
			if (response.statusCode >= 400) {
				return {
					status: 'Error',
					message: `Credential Check URL: the receiver answered HTTP ${response.statusCode}, so it may not accept the certificate (nginx answers 400 to one it does not trust); use a URL that answers 2xx once the certificate is accepted`,
				};
			}
			return { status: 'OK', message: `The receiver accepted the certificate (it answered HTTP ${response.statusCode})` };
		} catch (error) {
			const failure = toTransportError(error);
			// The node's advice (Ignore TLS Errors) is no field of this credential.
			if (isReceiverCertificateFailure(failure.code)) return { status: 'Error', message: `Credential Check URL: ${UNTRUSTED_RECEIVER}` };
			const { message } =
				failure.code.startsWith('ERR_TLS') || failure.code === 'ECONNRESET'
					? explainWithClientCertificate(explainError(failure.code))
					: failure;
			return { status: 'Error', message: `Credential Check URL: ${message}` };
		}
	},
);

/**
 * The Webhook OAuth2 Client Credentials API credential's test (`testedBy: 'oauth2CredentialTest'`): the
 * fields are checked, then a token is fetched from the Token URL (never shown).
 */
export const oauth2CredentialTest = credentialTestFor({ oauth2: CLIENT_GRANT_TYPE }, async (_kind, data) => {
	const client = readOAuth2Credential(data);
	if ('problems' in client) return { status: 'Error', message: client.problems.join('; ') };
	// A fresh fetch, not a cached token: the test is about the values as they are now. Other credentials keep theirs.
	forgetClientToken(client);
	try {
		await accessToken(client);
		return { status: 'OK', message: 'The Token URL issued an access token' };
	} catch (error) {
		return { status: 'Error', message: error instanceof OAuth2TokenError ? error.message : String(error) };
	}
});
