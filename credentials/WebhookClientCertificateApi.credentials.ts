import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { testUrlProperty } from './shared';

/** A client certificate and key for receivers that require mutual TLS (mTLS), used by the Outbound Webhook node. */
export class WebhookClientCertificateApi implements ICredentialType {
	name = 'webhookClientCertificateApi';

	displayName = 'Webhook Client Certificate API';

	icon: Icon = { light: 'file:clientCertificateCredential.svg', dark: 'file:clientCertificateCredential.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-crm-webhooks#webhook-client-certificate-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Certificate',
			name: 'certificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE-----',
			description: 'The client certificate in PEM form; add intermediate certificates after it if the receiver needs the chain',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'The key the certificate was issued for, in PEM form (PKCS#8, PKCS#1 or SEC1)',
		},
		{
			displayName: 'Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for an encrypted private key',
		},
		{
			displayName: 'CA Certificate',
			name: 'ca',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				"Optional. The CA that issued the receiver's own certificate, for receivers with a private CA. When set, only this CA is trusted for the receiver.",
		},
		{
			...testUrlProperty,
			description: 'Optional. An https:// URL of the receiver; the credential test connects to it with the certificate.',
		},
	];
}
