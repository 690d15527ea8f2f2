import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	DEFAULT_HMAC_SCHEME,
	DEFAULT_TIMESTAMPED_HEADER_NAME,
	HMAC_ALGORITHM_OPTIONS,
	SIGNATURE_ENCODING_OPTIONS,
	SIGNING_SCHEME_NAMES,
} from '../nodes/shared/signatures/defaults';
import { secretProperty } from './shared';

const forScheme = (...scheme: string[]) => ({ displayOptions: { show: { scheme } } });

/**
 * A shared secret that signs requests: the Outbound Webhook node signs with it, the triggers verify
 * with it. Three schemes cover SalesOS/GitHub-style HMAC headers, Standard Webhooks and Stripe-style
 * timestamped signatures.
 */
export class WebhookSigningSecretApi implements ICredentialType {
	name = 'webhookSigningSecretApi';

	displayName = 'Webhook Signing Secret API';

	icon: Icon = { light: 'file:signingSecretCredential.svg', dark: 'file:signingSecretCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#webhook-signing-secret-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Scheme',
			name: 'scheme',
			type: 'options',
			options: [
				{
					name: SIGNING_SCHEME_NAMES.hmac,
					value: 'hmac',
					description: 'A digest of the body in one header, e.g. SalesOS X-Webhook-Signature or GitHub X-Hub-Signature-256',
				},
				{
					name: SIGNING_SCHEME_NAMES.standardWebhooks,
					value: 'standardWebhooks',
					description:
						'webhook-id, webhook-timestamp and webhook-signature: v1,… with a whsec_ secret, v1a,… (Ed25519) with a whsk_/whpk_ key pair (standardwebhooks.com, Svix)',
				},
				{
					name: SIGNING_SCHEME_NAMES.timestamped,
					value: 'timestamped',
					description: 'Stripe-style t=&lt;unix&gt;,v1=&lt;hex&gt; over timestamp.body',
				},
			],
			default: 'hmac',
			description: 'How the signature is made and sent; pick what the sender (or receiver) documents',
		},
		secretProperty('Secret', 'secret', {
			required: true,
			placeholder: 'The signing secret from the sender (whsec_… for Standard Webhooks)',
			description:
				"The current secret. Outgoing requests are signed with it; incoming ones are checked against it. Standard Webhooks: a whsec_ secret signs v1, a whsk_ Ed25519 secret key signs v1a; a receiver may hold the sender's whpk_ public key here instead.",
		}),
		{
			displayName: 'Signature Header',
			name: 'hmacHeaderName',
			type: 'string',
			default: DEFAULT_HMAC_SCHEME.headerName,
			required: true,
			placeholder: 'e.g. X-Hub-Signature-256',
			description: 'The header that carries the signature, e.g. X-Webhook-Signature (SalesOS) or X-Hub-Signature-256 (GitHub)',
			...forScheme('hmac'),
		},
		{
			displayName: 'Algorithm',
			name: 'algorithm',
			type: 'options',
			options: HMAC_ALGORITHM_OPTIONS,
			default: DEFAULT_HMAC_SCHEME.algorithm,
			...forScheme('hmac'),
		},
		{
			displayName: 'Encoding',
			name: 'encoding',
			type: 'options',
			options: SIGNATURE_ENCODING_OPTIONS,
			default: DEFAULT_HMAC_SCHEME.encoding,
			...forScheme('hmac'),
		},
		{
			displayName: 'Prefix',
			name: 'prefix',
			type: 'string',
			default: '',
			placeholder: 'e.g. sha256=',
			description: 'Text in front of the digest in the header, as GitHub sends sha256=…',
			...forScheme('hmac'),
		},
		{
			displayName: 'Signed Content',
			name: 'signedContent',
			type: 'options',
			options: [
				{ name: 'Raw Body', value: 'body', description: 'The exact body bytes' },
				{
					name: 'Timestamp and Body',
					value: 'timestampDotBody',
					description: 'The unix timestamp from the timestamp header, a dot, then the body; protects against replays',
				},
			],
			default: DEFAULT_HMAC_SCHEME.signedContent,
			...forScheme('hmac'),
		},
		{
			displayName: 'Timestamp Header',
			name: 'timestampHeaderName',
			type: 'string',
			default: DEFAULT_HMAC_SCHEME.timestampHeaderName,
			displayOptions: { show: { scheme: ['hmac'], signedContent: ['timestampDotBody'] } },
		},
		{
			displayName: 'Signature Header',
			name: 'timestampedHeaderName',
			type: 'string',
			default: DEFAULT_TIMESTAMPED_HEADER_NAME,
			placeholder: 'e.g. Stripe-Signature',
			required: true,
			...forScheme('timestamped'),
		},
		// Rotation last: a first setup matches the sender's scheme above and needs none of it.
		secretProperty('Previous Secrets', 'previousSecrets', {
			description:
				'Secrets the triggers still accept during a rotation, separated by spaces. Remove them once every sender uses the new secret.',
		}),
		{
			displayName: 'Public Keys',
			name: 'publicKeys',
			type: 'string',
			default: '',
			placeholder: 'e.g. whpk_… whpk_…',
			description:
				"Standard Webhooks v1a (Ed25519): the sender's whpk_ public keys, separated by spaces (two during a key rotation). The triggers accept a request signed by any of them, besides the secrets above. Public keys are not secret.",
			...forScheme('standardWebhooks'),
		},
		{
			displayName: 'Sign With Previous Secrets Until',
			name: 'signPreviousUntil',
			type: 'dateTime',
			default: '',
			description:
				'For a rotation without downtime: until then, the Outbound Webhook node signs with the previous secrets too (Standard Webhooks and Stripe-style: one more signature in the header; HMAC header: the newest previous one in a second header named like the first plus -Previous). The time is read in the workflow time zone (Workflow Settings, else the instance default). Empty: the current secret only.',
		},
	];
}
