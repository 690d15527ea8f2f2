/**
 * Signing during a secret rotation: the request carries a signature for the current secret and for
 * each previous one still in its overlap, so a receiver that has not switched yet verifies it too.
 * Standard Webhooks lists signatures space-separated in one header (the spec's way "to support zero
 * downtime secret rotation"; `v1` and `v1a` entries may mix, so a move from a whsec_ secret to a whsk_
 * key overlaps too), Stripe-style headers take one `v1=` per secret, and a plain HMAC header holds one
 * signature, so the newest previous one goes in `<header>-Previous`.
 */
import { previousSignatureHeader } from './hmac';
import type { SignInput, SigningConfig } from './index';
import { signRequest } from './index';
import { canSignStandardWebhook } from './standardWebhooks';

export function signWithSecrets(config: SigningConfig, secrets: readonly string[], input: SignInput): Record<string, string> {
	const [current, ...previous] = secrets;
	const headers = signRequest(config, current, input);
	if (previous.length === 0) return headers;
	switch (config.scheme) {
		case 'standardWebhooks': {
			// A whpk_ public key among them is there for the triggers: it verifies, it cannot sign.
			const others = previous.filter(canSignStandardWebhook).map((secret) => signRequest(config, secret, input)['webhook-signature']);
			return { ...headers, 'webhook-signature': [headers['webhook-signature'], ...others].join(' ') };
		}
		case 'timestamped': {
			const others = previous.map((secret) => signRequest(config, secret, input)[config.headerName].replace(/^t=\d+/, ''));
			return { ...headers, [config.headerName]: `${headers[config.headerName]}${others.join('')}` };
		}
		case 'hmac':
			return { ...headers, [previousSignatureHeader(config.headerName)]: signRequest(config, previous[0], input)[config.headerName] };
	}
}
