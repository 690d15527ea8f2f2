/**
 * Authenticity of a CRM request: the profile's built-in check, or a credential (through the inbound
 * trigger's authenticators) adapted to what the CRM sends: SalesOS's detected encoding, HighLevel's
 * X-Hmac-Signature, Standard Webhooks' scheme.
 */
import type { CredentialData } from '../auth';
import { signingFromCredential } from '../auth';
import type { Authenticator } from '../inbound/authenticator';
import { inboundAuthFromCredential } from '../inbound/authenticator';
import { signatureHeaderNames, verifyRequestSignature } from '../signatures';
import type { CrmAuthentication, CrmProfile, ProfileParameters, RequestLine } from './types';

/**
 * The signing settings read from each credential object. n8n's credential is reused across requests
 * (see credentialCache.ts) and never changed in place, so it is read once, not on every request. The
 * settings are frozen: every request shares them, so none may change them for the next.
 */
const signingByCredential = new WeakMap<CredentialData, ReturnType<typeof signingFromCredential>>();

function signingOf(credential: CredentialData): ReturnType<typeof signingFromCredential> {
	let signing = signingByCredential.get(credential);
	if (!signing) {
		const { config, secrets } = signingFromCredential(credential);
		signing = Object.freeze({ config: Object.freeze(config), secrets: Object.freeze(secrets) as string[] });
		signingByCredential.set(credential, signing);
	}
	return signing;
}

/** A request line for a CRM that signs it but was given none: the check then refuses, it never guesses. */
const UNKNOWN_LINE: RequestLine = { method: 'POST', url: undefined };

/**
 * The authenticator of one configured CRM Event Trigger. `requestLine` is the request's method and
 * public URL, for a profile whose check signs them (`secretVerification.signsUrl`).
 */
export function crmAuthenticator(
	profile: CrmProfile,
	authentication: CrmAuthentication,
	credential: CredentialData | undefined,
	settings: ProfileParameters,
	requestLine: RequestLine = UNKNOWN_LINE,
): Authenticator {
	if (authentication === 'builtIn') {
		const builtIn = profile.builtInVerification;
		if (!builtIn) throw new Error(`${profile.displayName} has no built-in verification`);
		return (request, options) => builtIn.verify({ headers: request.headers, rawBody: request.rawBody, settings, options });
	}
	const own = profile.secretVerification;
	if (authentication === 'signingSecret' && own && credential) {
		const { secrets } = signingOf(credential);
		return (request, options) =>
			own.verify({ headers: request.headers, rawBody: request.rawBody, settings, options, secrets, request: requestLine });
	}
	const { adaptSigning } = profile;
	if (authentication === 'signingSecret' && adaptSigning && credential) {
		const { config, secrets } = signingOf(credential);
		return (request, options) =>
			verifyRequestSignature(adaptSigning(config, request.headers), secrets, request.headers, request.rawBody, options);
	}
	return inboundAuthFromCredential(authentication, credential).authenticate;
}

/** Lower-case header names that carry secrets or signatures, to redact from the trigger's output. */
export function crmSecretHeaders(profile: CrmProfile, authentication: CrmAuthentication, credential: CredentialData | undefined): string[] {
	if (authentication === 'builtIn') return profile.builtInVerification?.signatureHeaders ?? [];
	if (authentication === 'signingSecret' && profile.secretVerification && credential) return profile.secretVerification.signatureHeaders;
	if (authentication === 'signingSecret' && profile.adaptSigning && credential) {
		const adapted = profile.adaptSigning(signingFromCredential(credential).config, {});
		return [...signatureHeaderNames(adapted), ...(profile.signatureCopyHeaders ?? [])];
	}
	return inboundAuthFromCredential(authentication, credential).secretHeaders;
}
