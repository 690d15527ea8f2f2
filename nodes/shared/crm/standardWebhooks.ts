/**
 * Any CRM that follows Standard Webhooks (standard-webhooks/standard-webhooks spec/standard-webhooks.md,
 * v1.0.0): `webhook-id`, `webhook-timestamp` and `webhook-signature` headers (or Svix's `svix-*`; `v1` HMAC
 * signatures checked with `whsec_` secrets, `v1a` Ed25519 ones with `whpk_` public keys), and the
 * recommended payload `{type, timestamp, data}` (a payload without `type` is named by a setting). The shared verifier checks the signature and the 5-minute
 * tolerance; `webhook-id` is the idempotency key.
 */
import { STANDARD_WEBHOOKS_HEADER_PREFIXES } from '../signatures/defaults';
import { singleHeader } from '../signatures/types';
import { buildEvent, eventIdOf, idText, isoTime, isRecord, objectTypeOf, resolveEvent, without } from './events';
import { bodyValue } from './records';
import type { CrmProfile, ProfileParameters, NormaliseInput, NormaliseResult } from './types';
import { setupSteps } from './setupSteps';

const header = (input: NormaliseInput, suffix: string): string | undefined => {
	for (const prefix of STANDARD_WEBHOOKS_HEADER_PREFIXES) {
		const value = singleHeader(input.headers, `${prefix}${suffix}`);
		if (typeof value === 'string' && value !== '') return value;
	}
	return undefined;
};

/** What an event without `type` is called: the node's setting, else `webhook.received`. */
export const DEFAULT_UNTYPED_EVENT = 'webhook.received';
const untypedEventName = (settings: ProfileParameters) => settings.untypedEventName?.trim() || DEFAULT_UNTYPED_EVENT;

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	if (!isRecord(body)) return { error: 'A Standard Webhooks payload must be a JSON object' };
	// The spec only recommends `type`; its own test vectors have none, and a sender retries a 400 until it gives up.
	const type = idText(body.type);
	const { event, sourceEvent } = resolveEvent([], type ?? untypedEventName(input.settings));
	const data = isRecord(body.data) ? body.data : without(body, ['type', 'timestamp']);
	const occurredAt = isoTime(body.timestamp) ?? isoTime(header(input, 'timestamp'));
	return {
		events: [
			buildEvent(
				{
					event,
					sourceEvent,
					crm: 'standardWebhooks',
					// Only without authentication can webhook-id be missing; the body then stands in for it.
					...eventIdOf(header(input, 'id'), isoTime(body.timestamp), 'standardWebhooks', sourceEvent, body),
					occurredAt,
					object: { type: objectTypeOf(event), id: idText(data.id) },
					data,
				},
				input.receivedAt,
			),
		],
	};
}

export const standardWebhooks: CrmProfile = {
	id: 'standardWebhooks',
	displayName: 'Standard Webhooks',
	events: [],
	defaultAuthentication: 'signingSecret',
	// 'none' also keeps n8n's editor from treating this choice as a required login and hiding the CRM selector.
	supportedAuthentications: ['signingSecret', 'none'],
	// A credential of another scheme is read as Standard Webhooks; one of this scheme keeps its public keys.
	adaptSigning: (config) => (config.scheme === 'standardWebhooks' ? config : { scheme: 'standardWebhooks' }),
	httpMethods: ['POST'],
	setupHint: setupSteps(
		'Any Standard Webhooks sender (Svix and others)',
		[
			'Paste this URL as the endpoint in the sender.',
			'Copy the endpoint signing secret (whsec_…) into a Webhook Signing Secret credential and pick it here; the Standard Webhooks scheme applies whatever scheme the credential names.',
			"A sender that signs with Ed25519 (v1a) gives a whpk_… public key instead: put it in the credential's Public Keys (shown for its Standard Webhooks scheme) or in its Secret.",
		],
		'webhook-id drops repeats, and the timestamp must be within the replay window.',
	),
	settings: ['untypedEventName'],
	normalise,
};
