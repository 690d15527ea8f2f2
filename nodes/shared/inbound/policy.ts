import type { BodyType } from './contentType';
import type { DedupeOptions } from './dedupeStore';
import { DEFAULT_DEDUPE_OPTIONS } from './dedupeStore';
import type { EventIdReader, EventIdSource } from './eventId';
import { compileEventIdReader } from './eventId';
import type { CompiledHandshake, HandshakeOptions } from './handshake';
import { compileHandshake } from './handshake';
import type { IpAccess } from './ipAccess';
import { parseIpList } from './ipAccess';
import type { ParseLimits } from './parseBody';
import { DEFAULT_PARSE_LIMITS } from './parseBody';
import { memoizeByJson } from './memo';
import { DEFAULT_REPLAY_WINDOW_SECONDS } from './replay';

/** What a trigger lets its user set, as plain data (no functions), so it can be validated and cached. */
export interface InboundPolicyOptions {
	/** Accepted methods, upper-case; empty or missing accepts any the webhook is registered for. */
	methods?: string[];
	/** Addresses and CIDR ranges, separated by commas or spaces; empty allows every client. */
	ipAllowlist?: string;
	/** Proxies whose X-Forwarded-For is believed. */
	trustedProxies?: string;
	maxBodyBytes?: number;
	replayWindowSeconds?: number;
	bodyType?: BodyType;
	parseLimits?: Partial<ParseLimits>;
	handshake?: HandshakeOptions;
	dedupe?: { eventId: EventIdSource; onDuplicate: DuplicateHandling } & Partial<DedupeOptions>;
}

/** `reject`: 409. `acknowledge`: 200 with `{ duplicate: true }`, for senders that retry on any non-2xx. */
export type DuplicateHandling = 'reject' | 'acknowledge';

/** The compiled, request-independent half of the pipeline's input. */
export interface InboundPolicy {
	methods?: ReadonlySet<string>;
	ipAccess: IpAccess;
	maxBodyBytes: number;
	replayWindowSeconds: number;
	bodyType: BodyType;
	parseLimits: ParseLimits;
	handshake?: CompiledHandshake;
	dedupe?: {
		readEventId: EventIdReader;
		/** Whether the id is read from the body (a JSONPath), not from a header. */
		readsBody: boolean;
		onDuplicate: DuplicateHandling;
		options: DedupeOptions;
	};
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Field labels used in error messages, so a user sees which setting to fix. */
export interface SettingLabels {
	ipAllowlist: string;
	trustedProxies: string;
	handshakeField: string;
	eventId: string;
}

const DEFAULT_LABELS: SettingLabels = {
	ipAllowlist: 'IP Allowlist',
	trustedProxies: 'Trusted Proxies',
	handshakeField: 'Challenge Field',
	eventId: 'Event ID',
};

/** The editor's maximum for Max Remembered Events: about 13 MB of ids per node, kept in memory and static data. */
export const MAX_REMEMBERED_EVENTS = 100_000;

/** Max Remembered Events as set, at most the maximum (an expression can pass the editor's bounds); the default when not at least 1. */
export function rememberedEvents(value: number | undefined): number {
	const count = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : 0;
	return count < 1 ? DEFAULT_DEDUPE_OPTIONS.maxEntries : Math.min(MAX_REMEMBERED_EVENTS, count);
}

const positive = (value: number | undefined, fallback: number) =>
	typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;

/** Compiles settings; throws an Error naming the setting when one is unusable. */
export function compileInboundPolicy(settings: InboundPolicyOptions, labels: Partial<SettingLabels> = {}): InboundPolicy {
	const label = { ...DEFAULT_LABELS, ...labels };
	const methods = (settings.methods ?? []).map((method) => method.toUpperCase());
	const policy: InboundPolicy = {
		methods: methods.length > 0 ? new Set(methods) : undefined,
		ipAccess: {
			allow: parseIpList(settings.ipAllowlist, label.ipAllowlist),
			trustedProxies: parseIpList(settings.trustedProxies, label.trustedProxies),
		},
		maxBodyBytes: Math.floor(positive(settings.maxBodyBytes, DEFAULT_MAX_BODY_BYTES)),
		replayWindowSeconds:
			typeof settings.replayWindowSeconds === 'number' && settings.replayWindowSeconds >= 0
				? settings.replayWindowSeconds
				: DEFAULT_REPLAY_WINDOW_SECONDS,
		bodyType: settings.bodyType ?? 'auto',
		parseLimits: {
			maxDepth: positive(settings.parseLimits?.maxDepth, DEFAULT_PARSE_LIMITS.maxDepth),
			maxFormFields: positive(settings.parseLimits?.maxFormFields, DEFAULT_PARSE_LIMITS.maxFormFields),
			maxXmlElements: Math.floor(positive(settings.parseLimits?.maxXmlElements, DEFAULT_PARSE_LIMITS.maxXmlElements)),
			...(settings.parseLimits?.keepXmlTagCase ? { keepXmlTagCase: true } : {}),
		},
	};
	if (settings.handshake) policy.handshake = compileHandshake(settings.handshake, label.handshakeField);
	if (settings.dedupe) {
		policy.dedupe = {
			readEventId: compileEventIdReader(settings.dedupe.eventId, label.eventId),
			readsBody: settings.dedupe.eventId.from === 'jsonPath',
			onDuplicate: settings.dedupe.onDuplicate,
			options: {
				windowSeconds: positive(settings.dedupe.windowSeconds, DEFAULT_DEDUPE_OPTIONS.windowSeconds),
				maxEntries: rememberedEvents(settings.dedupe.maxEntries),
			},
		};
	}
	return policy;
}

/** compileInboundPolicy, memoised on the settings' JSON. */
export const cachedInboundPolicy = memoizeByJson(compileInboundPolicy);
