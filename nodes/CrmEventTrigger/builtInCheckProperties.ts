import type { INodeProperties } from 'n8n-workflow';

import { CRM_PROFILES } from '../shared/crm';
import type { ProfileParameters } from '../shared/crm/types';

/**
 * The settings of one CRM's authentication, shown only while that check is chosen: HighLevel's replaceable
 * public keys and Salesforce's organization ID (the CRM's own check), where a Dataverse registration sends its key.
 */
const crmsReading = (setting: keyof ProfileParameters) =>
	CRM_PROFILES.filter((profile) => profile.settings.includes(setting)).map((profile) => profile.id);
const forBuiltIn = (setting: keyof ProfileParameters, authentication = 'builtIn') => ({
	displayOptions: { show: { crm: crmsReading(setting), authentication: [authentication] } },
});

const publicKeyProperty = (displayName: string, name: string, header: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	typeOptions: { rows: 3 },
	default: '',
	placeholder: 'Empty: HighLevel’s published key is used',
	description: `Leave empty to use HighLevel’s published key for ${header}. Paste a PEM key (-----BEGIN PUBLIC KEY-----) only if HighLevel rotates it.`,
	...forBuiltIn('highLevelEd25519PublicKey'),
});

export const builtInCheckProperties: INodeProperties[] = [
	publicKeyProperty('Ed25519 Public Key', 'highLevelEd25519PublicKey', 'X-GHL-Signature'),
	publicKeyProperty('RSA Public Key', 'highLevelRsaPublicKey', 'the legacy x-wh-signature'),
	{
		displayName: 'Accept Re-Serialized JSON',
		name: 'highLevelAcceptReserialisedJson',
		type: 'boolean',
		default: false,
		description:
			'Whether to also accept a signature over JSON.stringify of the body, as HighLevel’s sample code computes it. Off, the signature must cover the exact bytes received, which is what HighLevel sends.',
		hint: 'On: a body that names a key twice is refused, the workflow sees only the signed form, and a forged request costs a JSON parse',
		...forBuiltIn('highLevelAcceptReserialisedJson'),
	},
	{
		displayName: 'Organization ID',
		name: 'salesforceOrganizationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 00D5g000004ABCDEA4',
		description: 'Only outbound messages from this Salesforce organization are accepted; others are answered 403 and start nothing',
		hint: 'Setup > Company Information > Salesforce.com Organization ID. The 15-character form works too: it is compared as its 18-character form.',
		...forBuiltIn('salesforceOrganizationId'),
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
		...forBuiltIn('dynamicsAuthType', 'apiKey'),
	},
];
