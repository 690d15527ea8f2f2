/**
 * Whether a credential of this package is usable: its values checked field by field, in plain language naming
 * the field. The credential tests in the editor run these, and the nodes again when a workflow is published.
 */
import type { AuthKind, CredentialData } from './auth';
import { credentialText as text, signingFromCredential } from './auth';
import { isHeaderName, isHeaderValue, isReservedHeader, LINE_BREAK_OR_NUL } from './http/headerRules';
import { checkEd25519Key, isEd25519Key, isEd25519PublicKey } from './signatures/ed25519';
import { canSignStandardWebhook, standardWebhooksKey } from './signatures/standardWebhooks';

const BEYOND_LATIN1 = (label: string) =>
	`${label} has a control character or a character beyond Latin-1, which an HTTP header cannot carry; use ASCII`;

/** A value a header cannot carry for a reason other than a line break (reported on its own). */
const unsendable = (value: string) => value !== '' && !LINE_BREAK_OR_NUL.test(value) && !isHeaderValue(value);

/** Spaces HTTP drops from a header value: at either end of an API key, anywhere in a bearer token (one word). */
const DROPPED_SPACE = {
	apiKey: {
		pattern: /^[ \t]|[ \t]$/,
		where: ' at its start or end',
		fields: [
			['apiKey', 'API Key'],
			['previousApiKey', 'Previous API Key'],
		],
	},
	bearerToken: {
		pattern: /[ \t]/,
		where: '',
		fields: [
			['token', 'Token'],
			['previousToken', 'Previous Token'],
		],
	},
};

/** A key or token with a space HTTP drops never matches what a sender delivers: every request would be refused 401. */
function spaceProblems(data: CredentialData, kind: keyof typeof DROPPED_SPACE): string[] {
	const { pattern, where, fields } = DROPPED_SPACE[kind];
	return fields.filter(([key]) => pattern.test(text(data, key))).map(([, label]) => `${label} contains a space or tab${where}; remove it`);
}

/** An API key sent in a header: a header name the HTTP client leaves to the user, and a value it can send. */
function headerCredentialProblems(name: string, key: string): string[] {
	if (!name) return [];
	if (!isHeaderName(name)) return [`Name "${name}" is not a valid header name: use letters, digits and - only, no spaces`];
	const problems = isReservedHeader(name) ? [`Name "${name}" is a header HTTP itself sets; choose another, e.g. X-API-Key`] : [];
	return unsendable(key) ? [...problems, BEYOND_LATIN1('API Key')] : problems;
}

/**
 * Problems with a credential's values, in plain language naming the field; empty when it is usable.
 * Used by the credential tests in the editor and again when a workflow is published.
 */
export function credentialProblems(kind: AuthKind, data: CredentialData): string[] {
	const problems: string[] = [];
	const requireText = (key: string, label: string) => {
		const value = text(data, key);
		if (value === '') problems.push(`${label} is empty`);
		else if (LINE_BREAK_OR_NUL.test(value)) problems.push(`${label} contains a line break, which would break the request headers`);
		return value;
	};
	switch (kind) {
		case 'basicAuth': {
			const user = requireText('user', 'Username');
			requireText('password', 'Password');
			if (user.includes(':')) problems.push('Username must not contain a colon (RFC 7617)');
			break;
		}
		case 'apiKey': {
			const name = requireText('name', 'Name');
			const key = requireText('apiKey', 'API Key');
			if (!['query', 'body'].includes(text(data, 'location'))) problems.push(...headerCredentialProblems(name, key));
			problems.push(...spaceProblems(data, 'apiKey'));
			break;
		}
		case 'bearerToken':
			if (unsendable(requireText('token', 'Token'))) problems.push(BEYOND_LATIN1('Token'));
			problems.push(...spaceProblems(data, 'bearerToken'));
			break;
		case 'signingSecret': {
			const { config, secrets } = signingFromCredential(data);
			if (text(data, 'secret') === '') problems.push('Secret is empty');
			if (config.scheme === 'standardWebhooks') problems.push(...standardWebhooksKeyProblems(secrets, config.publicKeys ?? []));
			else problems.push(...ed25519KeyAsSecretProblems(config.scheme, data));
			const headerNames =
				config.scheme === 'hmac'
					? [config.headerName, config.timestampHeaderName]
					: config.scheme === 'timestamped'
						? [config.headerName]
						: [];
			for (const header of headerNames) {
				if (!isHeaderName(header)) problems.push(`"${header}" is not a valid header name`);
				else if (isReservedHeader(header)) problems.push(`"${header}" is a header HTTP itself sets; choose another`);
			}
			break;
		}
		case 'none':
			break;
	}
	return problems;
}

/**
 * A Standard Webhooks `whpk_`/`whsk_` key where the signature in force is an HMAC over a shared secret
 * (`scheme`: the credential's own, or the one a CRM or a preset imposes): it never verifies, and a
 * `whpk_` key is public.
 */
export function ed25519KeyAsSecretProblems(scheme: string, data: CredentialData): string[] {
	if (scheme === 'standardWebhooks' || !signingFromCredential(data).secrets.some(isEd25519Key)) return [];
	return [
		'Secret is a Standard Webhooks whpk_/whsk_ key, but this signature is an HMAC over a shared secret: give the shared secret the sender signs with',
	];
}

/** What is wrong with one Standard Webhooks key: a `whsec_` secret too short or not base64, a `whsk_`/`whpk_` key of the wrong size. */
function standardWebhooksKeyProblem(key: string): string | undefined {
	try {
		if (isEd25519Key(key)) checkEd25519Key(key);
		else if (standardWebhooksKey(key).length < 16)
			return 'A Standard Webhooks secret should hold at least 16 random bytes (24 to 64 recommended)';
	} catch (error) {
		return (error as Error).message;
	}
	return undefined;
}

function standardWebhooksKeyProblems(secrets: readonly string[], publicKeys: readonly string[]): string[] {
	const problems = secrets.map(standardWebhooksKeyProblem);
	for (const key of publicKeys)
		problems.push(isEd25519PublicKey(key) ? standardWebhooksKeyProblem(key) : 'Public Keys takes whpk_ keys only');
	return problems.filter((problem): problem is string => problem !== undefined);
}

/**
 * Why a Webhook Signing Secret credential cannot sign outgoing requests, beyond `credentialProblems`: its
 * Secret is a Standard Webhooks `whpk_` public key, which only verifies.
 */
export function signingSecretCannotSign(data: CredentialData): string | undefined {
	const { config, secrets } = signingFromCredential(data);
	if (config.scheme !== 'standardWebhooks' || secrets.length === 0 || canSignStandardWebhook(secrets[0])) return undefined;
	return 'Secret is a whpk_ public key, which verifies but cannot sign: give the Outbound Webhook node the whsk_ secret key';
}
