import type { INodeProperties } from 'n8n-workflow';

export const testUrlProperty: INodeProperties = {
	displayName: 'Credential Check URL',
	name: 'testUrl',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://api.example.com/me',
	description:
		'Optional. A URL that requires these credentials; the credential test sends a GET request to it with them and expects a 2xx answer. Without it, the test checks the values only.',
};

/** A secret typed into the credential: hidden in the editor, never shown again once saved. */
export function secretProperty(displayName: string, name: string, more: Partial<INodeProperties> = {}): INodeProperties {
	return { displayName, name, type: 'string', typeOptions: { password: true }, default: '', ...more };
}

/** The secret a sender may still use while it switches to the new one: rotation without downtime. */
export function previousSecretProperty(secret: 'API Key' | 'Password' | 'Token', name: string): INodeProperties {
	return secretProperty(`Previous ${secret}`, name, {
		description: `Still accepted by the triggers while a sender switches to the new ${secret === 'API Key' ? 'API key' : secret.toLowerCase()}, so it can be rotated without downtime. Leave empty otherwise.`,
	});
}
