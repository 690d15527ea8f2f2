import type { INodeProperties } from 'n8n-workflow';

export const testUrlProperty: INodeProperties = {
	displayName: 'Test URL',
	name: 'testUrl',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://api.example.com/me',
	description:
		'Optional. A URL that requires these credentials; the credential test sends a GET request to it with them and expects a 2xx answer. Without it, the test checks the values only.',
};
