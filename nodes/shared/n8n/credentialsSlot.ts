import type { INodeProperties } from 'n8n-workflow';

/**
 * Where n8n's editor shows the node's credential pickers: at this property's place in the list
 * (n8n's Notion node does the same). Without it they sit at the top, above the Authentication
 * choice that decides which credential is asked for.
 */
export const CREDENTIALS_SLOT: INodeProperties = {
	displayName: '',
	name: 'credentials',
	type: 'credentials',
	default: '',
};
