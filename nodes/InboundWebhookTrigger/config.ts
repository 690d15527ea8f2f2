import type { BodyType } from '../shared/inbound/contentType';
import type { FieldMappingSettings } from '../shared/inbound/fieldMapping';
import type { DuplicateHandling, InboundPolicyOptions, SettingLabels } from '../shared/inbound/policy';
import { isFramingHeader, isHeaderName, isHeaderValue } from '../shared/http/headerRules';
import type { HmacAlgorithm, SignatureEncoding } from '../shared/signatures/hmac';
import type { KeyEncoding } from '../shared/signatures/hmacKey';
import type { InboundSignature, SignaturePresetName } from '../shared/signatures/presets';
import { SIGNATURE_PRESETS } from '../shared/signatures/presets';
import { rememberedSeconds } from '../shared/n8n/triggerProperties';
import type { TemplatePart } from '../shared/signatures/template';
import { DEFAULT_RESPONSE_BODY } from './description';

/** The node's parameters as the pure modules want them. Read the same way at publish time and per request. */
export interface InboundTriggerConfig {
	inbound: InboundPolicyOptions;
	mapping: FieldMappingSettings;
	response: { mode: string; code: number; body: string; headers: Array<{ name: string; value: string }> };
	output: { mappedFieldsOnly: boolean; binaryPropertyName: string; redactHeaders: string[] };
	/** A preset or custom template replacing the signing credential's scheme; undefined: the credential's scheme. */
	signature?: InboundSignature;
}

/** The parameter names behind each setting, so an error names what the user sees. */
export const LABELS: SettingLabels = {
	ipAllowlist: 'Options › IP Allowlist',
	trustedProxies: 'Options › Trusted Proxies',
	handshakeField: 'Challenge Field',
	eventId: 'Event ID',
};

interface ParameterSource {
	getNodeParameter(name: string, fallback?: unknown): unknown;
}

interface OptionsCollection {
	ipAllowlist?: string;
	trustedProxies?: string;
	replayWindowSeconds?: number;
	maxBodySizeKb?: number;
	maxXmlElements?: number;
	bodyType?: BodyType;
	binaryPropertyName?: string;
	redactHeaders?: string;
	dedupeMaxEntries?: number;
	mappedFieldsOnly?: boolean;
}

const list = (text: string | undefined) =>
	(text ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');

interface PartParameter {
	type?: TemplatePart['kind'];
	headerName?: string;
	text?: string;
}

const partOf = ({ type = 'body', headerName = '', text = '' }: PartParameter): TemplatePart => {
	if (type === 'timestamp' || type === 'header') return { kind: type, headerName: headerName.trim() };
	if (type === 'text') return { kind: 'text', text };
	return { kind: type };
};

/** The Signature Preset, or the Custom Template's fields; undefined when the credential's scheme applies. */
export function readSignature(node: ParameterSource): InboundSignature | undefined {
	const get = <T>(name: string, fallback: T) => node.getNodeParameter(name, fallback) as T;
	if (get<string>('authentication', 'none') !== 'signingSecret') return undefined;
	const preset = get<string>('signaturePreset', 'credential');
	if (preset === 'credential') return undefined;
	if (preset !== 'custom') return SIGNATURE_PRESETS[preset as SignaturePresetName];
	return {
		scheme: 'template',
		headerName: get('templateHeader', '').trim(),
		parts: (get<{ part?: PartParameter[] }>('templateParts', {}).part ?? []).map(partOf),
		separator: get('templateSeparator', ''),
		keyEncoding: get<KeyEncoding>('templateKeyEncoding', 'utf8'),
		algorithm: get<HmacAlgorithm>('templateAlgorithm', 'sha256'),
		encoding: get<SignatureEncoding>('templateEncoding', 'hex'),
		prefix: get('templatePrefix', ''),
	};
}

export function readConfig(node: ParameterSource): InboundTriggerConfig {
	const get = <T>(name: string, fallback: T) => node.getNodeParameter(name, fallback) as T;
	const options = get<OptionsCollection>('settings', {});
	const methods = get<string[] | string>('httpMethod', ['POST']);
	const inbound: InboundPolicyOptions = {
		methods: Array.isArray(methods) ? methods : list(methods),
		ipAllowlist: options.ipAllowlist,
		trustedProxies: options.trustedProxies,
		replayWindowSeconds: options.replayWindowSeconds,
		maxBodyBytes: (options.maxBodySizeKb ?? 1024) * 1024,
		parseLimits: { maxXmlElements: options.maxXmlElements },
		bodyType: options.bodyType ?? 'auto',
	};
	if (get('deduplicate', false)) {
		const fromHeader = get<string>('eventIdSource', 'jsonPath') === 'header';
		inbound.dedupe = {
			eventId: fromHeader
				? { from: 'header', name: get('eventIdHeader', 'X-Event-Id') }
				: { from: 'jsonPath', path: get('eventIdPath', '$.id') },
			onDuplicate: get<DuplicateHandling>('duplicateResponse', 'acknowledge'),
			windowSeconds: rememberedSeconds(get<unknown>('dedupeWindowHours', 24), 24),
			maxEntries: options.dedupeMaxEntries,
		};
	}
	if (get('handshake', false)) {
		const source = get<'query' | 'body'>('handshakeSource', 'body');
		inbound.handshake = {
			source,
			field: get('handshakeField', 'challenge'),
			respondAs: get<'text' | 'json'>('handshakeResponse', 'text'),
			beforeAuth: source === 'query' && get('handshakeBeforeAuth', false),
		};
	}
	const mode = get<string>('responseMode', 'onReceived');
	return {
		inbound,
		mapping: {
			fields: get<{ field?: Array<{ name: string; path: string }> }>('fieldMapping', {}).field ?? [],
			splitPath: get('splitArray', false) ? get('splitPath', '$.body') : undefined,
		},
		response: {
			mode,
			code: mode === 'responseNode' ? 200 : get('responseCode', 200),
			body: mode === 'onReceived' ? get('responseBody', DEFAULT_RESPONSE_BODY) : '',
			headers:
				mode === 'onReceived' ? (get<{ header?: InboundTriggerConfig['response']['headers'] }>('responseHeaders', {}).header ?? []) : [],
		},
		output: {
			mappedFieldsOnly: options.mappedFieldsOnly ?? false,
			binaryPropertyName: options.binaryPropertyName || 'data',
			redactHeaders: list(options.redactHeaders),
		},
		signature: readSignature(node),
	};
}

/**
 * Problems found by checks added after workflows may have been published with them (the answer would drop the
 * header, or the node's meta would replace the field): refused when someone publishes, only warned about when
 * n8n reactivates a workflow at startup, so an upgrade takes no running workflow down.
 */
export function laterProblems(settings: InboundTriggerConfig): string[] {
	const problems = settings.response.headers
		.filter(({ name }) => isFramingHeader(name))
		.map(({ name }) => `Response Headers: "${name.slice(0, 60)}" is a header HTTP itself sets; remove it`);
	const { code } = settings.response;
	if (Number.isInteger(code) && code >= 100 && code < 200) {
		problems.push(`Response Code ${code} is informational: the sender would never get a final answer; use 200–599`);
	}
	if (settings.output.mappedFieldsOnly && (settings.mapping.fields ?? []).some(({ name }) => name.trim() === 'meta')) {
		problems.push(
			'Field Mapping: "meta" is the item\'s own field while Output Mapped Fields Only is on; give the mapped field another name',
		);
	}
	return problems;
}

/** Problems with the response settings, naming the parameter; empty when they can be sent. */
export function responseProblems(response: InboundTriggerConfig['response']): string[] {
	const problems: string[] = [];
	if (!Number.isInteger(response.code) || response.code < 100 || response.code > 599) {
		problems.push(`Response Code ${response.code} is not an HTTP status (100–599)`);
	}
	for (const { name, value } of response.headers) {
		const shown = name.slice(0, 60);
		if (!isHeaderName(name)) problems.push(`Response Headers: "${shown}" is not a valid header name; use letters, digits and - only`);
		else if (!isHeaderValue(value ?? '')) {
			problems.push(
				`Response Headers: the value of "${shown}" has a line break, a control character or a character beyond Latin-1 (such as ✓ or an emoji), which HTTP headers cannot carry; percent-encode it or move it to the Response Body`,
			);
		}
	}
	return problems;
}
