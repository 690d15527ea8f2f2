import type { CredentialData } from '../auth';
import { signingFromCredential } from '../auth';
import { hasOwn } from '../prototypeKeys';
import { SIGNING_SCHEME_NAMES } from '../signatures/defaults';

/** How a CRM signs, where it allows no choice: a credential set up another way can never verify its requests. */
interface FixedSigning {
	headerName: string;
	algorithm: 'sha1' | 'sha256' | 'sha512';
	signedContent: 'body';
}

const FIXED_SIGNING: Record<string, FixedSigning> = {
	salesOs: { headerName: 'X-Webhook-Signature', algorithm: 'sha256', signedContent: 'body' },
};

/**
 * Why a Webhook Signing Secret credential cannot verify this CRM's requests, or undefined when it
 * fits (or the CRM leaves the scheme open). Said when the workflow is published, so a wrong
 * credential picked in the editor is caught before the CRM's first request is refused.
 */
export function signingMismatch(crm: { id: string; displayName: string }, credential: CredentialData): string | undefined {
	const expected = hasOwn(FIXED_SIGNING, crm.id) ? FIXED_SIGNING[crm.id] : undefined;
	if (!expected) return undefined;
	const { config } = signingFromCredential(credential);
	const wanted = `${crm.displayName} signs with HMAC ${expected.algorithm.toUpperCase()} of the body in ${expected.headerName}`;
	if (config.scheme !== 'hmac')
		return `${wanted}; this credential's scheme is ${SIGNING_SCHEME_NAMES[config.scheme]}. Choose HMAC Signature Header`;
	if (config.headerName.toLowerCase() !== expected.headerName.toLowerCase()) return `${wanted}; this credential reads ${config.headerName}`;
	if (config.algorithm !== expected.algorithm) return `${wanted}; this credential uses ${config.algorithm.toUpperCase()}`;
	if (config.signedContent !== expected.signedContent) return `${wanted}; this credential signs a timestamp too`;
	return undefined;
}
