import type { INodeProperties } from 'n8n-workflow';

import { CRM_PROFILES } from '../shared/crm';
import type { ProfileParameters } from '../shared/crm/types';

/**
 * Parameters of one CRM's authentication, shown beside its Authentication choice: HighLevel's public keys,
 * and where a Dataverse webhook registration sends its key.
 */
const profilesWith = (setting: keyof ProfileParameters) =>
	CRM_PROFILES.filter((profile) => profile.settings.includes(setting)).map((profile) => profile.id);
const highLevelKeyCrms = profilesWith('highLevelEd25519PublicKey');

const publicKeyProperty = (displayName: string, name: string, header: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	placeholder: '-----BEGIN PUBLIC KEY-----',
	description: `Leave empty to use HighLevel’s published key for ${header}. Paste a PEM key only if HighLevel rotates it.`,
	displayOptions: { show: { crm: highLevelKeyCrms, authentication: ['builtIn'] } },
});

export const profileAuthenticationProperties: INodeProperties[] = [
	publicKeyProperty('Ed25519 Public Key', 'highLevelEd25519PublicKey', 'X-GHL-Signature'),
	publicKeyProperty('RSA Public Key', 'highLevelRsaPublicKey', 'the legacy x-wh-signature'),
	{
		displayName: 'Accept Signatures Over Re-Serialised JSON',
		name: 'highLevelAcceptReserialisedJson',
		type: 'boolean',
		default: false,
		description:
			'Whether to also accept a signature over JSON.stringify of the body, as HighLevel’s sample code computes it. Off, the signature must cover the exact bytes received, which is what HighLevel sends.',
		hint: 'On: a body that names a key twice is refused, the workflow sees only the signed form, and a forged request costs a JSON parse',
		displayOptions: { show: { crm: highLevelKeyCrms, authentication: ['builtIn'] } },
	},
	{
		displayName: 'Registration Authentication',
		name: 'dynamicsAuthType',
		type: 'options',
		options: [
			{ name: 'HttpHeader', value: 'HttpHeader', description: 'The credential’s Name and API Key as a header' },
			{ name: 'HttpQueryString', value: 'HttpQueryString', description: 'The credential’s Name and API Key as a query parameter' },
			{ name: 'WebhookKey', value: 'WebhookKey', description: 'The API Key as ?code=; the credential’s Name is not used' },
		],
		default: 'HttpHeader',
		description: 'The Authentication of the webhook registration in Dataverse; the credential’s Send In is ignored',
		displayOptions: { show: { crm: profilesWith('dynamicsAuthType'), authentication: ['apiKey'] } },
	},
];
