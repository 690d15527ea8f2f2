import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CrmEventTrigger } from '../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { InboundWebhookTrigger } from '../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';
import { OutboundWebhook } from '../../../nodes/OutboundWebhook/OutboundWebhook.node';

/**
 * n8n's editor moves a node's "main auth field" out of the parameter panel into the credential
 * dialog, and hides with it every parameter that auth field's displayOptions depend on. It picks as
 * main auth field the first credential-controlling `authentication` parameter without a `none`
 * option, else one whose every option selects a credential
 * (packages/frontend/editor-ui/src/utils/nodeTypesUtils.ts: getMainAuthField, findAlternativeAuthField,
 * isAuthRelatedParameter). For the CRM Event Trigger that hid the CRM selector itself, so these
 * nodes must never have such a field.
 */
function credentialControllingFields(description: INodeTypeDescription): INodeProperties[] {
	const names = new Set((description.credentials ?? []).flatMap((credential) => Object.keys(credential.displayOptions?.show ?? {})));
	return description.properties.filter((property) => names.has(property.name));
}

function mainAuthField(description: INodeTypeDescription): INodeProperties | undefined {
	const fields = credentialControllingFields(description);
	const optionValues = (field: INodeProperties) =>
		(field.options ?? []).flatMap((option) => ('value' in option && typeof option.value === 'string' ? [option.value] : []));
	const named = fields.find((field) => field.name === 'authentication' && !optionValues(field).includes('none'));
	if (named) return named;
	const credentialValues = new Map<string, string[]>();
	for (const credential of description.credentials ?? []) {
		for (const [name, values] of Object.entries(credential.displayOptions?.show ?? {})) {
			credentialValues.set(name, [...(credentialValues.get(name) ?? []), ...(values ?? []).map(String)]);
		}
	}
	return fields.find(
		(field) => optionValues(field).every((value) => credentialValues.get(field.name)?.includes(value)) && (field.options ?? []).length > 0,
	);
}

describe.each([
	['CRM Event Trigger', new CrmEventTrigger().description],
	['Inbound Webhook Trigger', new InboundWebhookTrigger().description],
	['Outbound Webhook', new OutboundWebhook().description],
])('%s in n8n’s editor', (_name, description) => {
	it('has no main auth field, so n8n hides none of its parameters', () => {
		expect(mainAuthField(description)?.name).toBeUndefined();
	});

	it('offers None in every Authentication choice', () => {
		for (const field of credentialControllingFields(description).filter((property) => property.name === 'authentication')) {
			expect((field.options ?? []).map((option) => ('value' in option ? option.value : undefined))).toContain('none');
		}
	});
});

it('recognises the field n8n would hide (the check itself can fail)', () => {
	const description = new CrmEventTrigger().description;
	const withoutNone = {
		...description,
		properties: description.properties.map((property) =>
			property.name === 'authentication'
				? { ...property, options: (property.options ?? []).filter((option) => !('value' in option) || option.value !== 'none') }
				: property,
		),
	};
	expect(mainAuthField(withoutNone)?.name).toBe('authentication');
});

describe('what the editor offers where it applies', () => {
	const outbound = new OutboundWebhook().description.properties;
	const property = (properties: INodeProperties[], name: string) => properties.find((entry) => entry.name === name);

	it('keeps the Body Template out of expression mode, whose {{ }} would swallow its merge tags', () => {
		expect(property(outbound, 'template')?.noDataExpression).toBe(true);
	});

	it('shows the XML root and form notation only for content they shape (a template is sent as written)', () => {
		for (const name of ['xmlRootElement', 'formNotation'])
			expect(property(outbound, name)?.displayOptions?.show?.content).toEqual(['fields', 'wholeItem']);
	});

	it('lists the CRMs and the Inbound authentications alphabetically, keeping the first CRM as the default', () => {
		const crm = new CrmEventTrigger().description.properties.find((entry) => entry.name === 'crm' && entry.type === 'options');
		const auth = property(new InboundWebhookTrigger().description.properties, 'authentication');
		for (const field of [crm, auth]) {
			const names = (field?.options ?? []).map((option) => option.name);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
		}
		expect(crm?.default).toBe('salesOs');
	});
});

/**
 * What n8n keeps of a collection's options: the values its display options show, as n8n-workflow resolves the node's
 * parameters in the editor and when it runs the workflow (a hidden option's value is dropped).
 */
function shownOptions(description: INodeTypeDescription, collection: string, values: INodeParameters): string[] {
	const node = { id: 'n1', name: 'Node', type: description.name, typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
	const parameters = { [collection]: values };
	const resolved = NodeHelpers.getNodeParameters(description.properties, parameters, false, false, node, description);
	return Object.keys((resolved?.[collection] as INodeParameters | undefined) ?? {}).sort();
}

describe('collection options shown only where they apply', () => {
	const crm = new CrmEventTrigger().description;
	const outbound = new OutboundWebhook().description;

	it('CRM Options: the dedupe options only while deduplication is on (its default)', () => {
		const dedupe = { duplicateResponse: 'reject', dedupeMaxEntries: 5, dedupeWindowHours: 2 };
		expect(shownOptions(crm, 'settings', dedupe)).toEqual(['dedupeMaxEntries', 'dedupeWindowHours', 'duplicateResponse']);
		expect(shownOptions(crm, 'settings', { ...dedupe, deduplicate: false })).toEqual(['deduplicate']);
	});

	it('CRM Options: the handshake answer options only with a handshake, Answer Before Authentication only for a query one', () => {
		const answer = { handshakeResponse: 'json', handshakeField: 'token', handshakeBeforeAuth: true };
		expect(shownOptions(crm, 'settings', answer)).toEqual([]);
		expect(shownOptions(crm, 'settings', { ...answer, handshakeSource: 'none' })).toEqual(['handshakeSource']);
		expect(shownOptions(crm, 'settings', { ...answer, handshakeSource: 'body' })).toEqual([
			'handshakeField',
			'handshakeResponse',
			'handshakeSource',
		]);
		expect(shownOptions(crm, 'settings', { ...answer, handshakeSource: 'query' })).toEqual([
			'handshakeBeforeAuth',
			'handshakeField',
			'handshakeResponse',
			'handshakeSource',
		]);
	});

	it('Retry Policy: Schedule only with a fixed schedule, which replaces Base Delay and Max Attempts', () => {
		const retry = { schedule: '1m,5m', baseDelay: 2, maxAttempts: 3, maxDelay: 60 };
		expect(shownOptions(outbound, 'retry', retry)).toEqual(['baseDelay', 'maxAttempts', 'maxDelay']);
		expect(shownOptions(outbound, 'retry', { ...retry, backoff: 'linear' })).toEqual(['backoff', 'baseDelay', 'maxAttempts', 'maxDelay']);
		expect(shownOptions(outbound, 'retry', { ...retry, backoff: 'schedule' })).toEqual(['backoff', 'maxDelay', 'schedule']);
	});
});
