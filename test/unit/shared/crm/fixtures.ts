import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseContentType } from '../../../../nodes/shared/inbound/contentType';
import { DEFAULT_PARSE_LIMITS, parseBody, resolveBodyKind } from '../../../../nodes/shared/inbound/parseBody';
import { isRejection } from '../../../../nodes/shared/inbound/rejection';
import type { CrmProfile, ProfileParameters, NormaliseInput, NormalisedEvent, NormaliseResult } from '../../../../nodes/shared/crm/types';
import type { HeaderBag } from '../../../../nodes/shared/signatures/types';

export const RECEIVED_AT = new Date('2025-01-15T10:30:05.000Z');

/** The bytes of test/fixtures/crm/<profile>/<file>. */
export const fixture = (profile: string, file: string): Buffer => readFileSync(join(__dirname, '../../../fixtures/crm', profile, file));

/** The canonical event a profile lists a CRM's own event name under; undefined when it lists it nowhere. */
export const canonicalEventOf = (profile: CrmProfile, sourceName: string): string | undefined =>
	profile.events.find((event) => event.sourceNames.includes(sourceName))?.value;

export interface RequestParts {
	contentType?: string;
	query?: Record<string, unknown>;
	headers?: HeaderBag;
	settings?: ProfileParameters;
	/** As the trigger parses for a profile with `keepsXmlTagCase` (Salesforce). */
	keepXmlTagCase?: boolean;
}

/** A NormaliseInput whose body went through the same shared parser the triggers use. */
export function requestInput(rawBody: Buffer | string, parts: RequestParts = {}): NormaliseInput {
	const bytes = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody);
	const contentType = parseContentType(parts.contentType ?? 'application/json');
	const kind = resolveBodyKind(contentType, 'auto', bytes.length);
	if (isRejection(kind)) throw new Error(kind.message);
	const parsed = parseBody(bytes, kind, contentType, { ...DEFAULT_PARSE_LIMITS, keepXmlTagCase: parts.keepXmlTagCase });
	if (isRejection(parsed)) throw new Error(parsed.message);
	return {
		body: parsed.value,
		bodyKind: kind,
		rawBody: bytes,
		query: parts.query ?? {},
		headers: { 'content-type': parts.contentType ?? 'application/json', ...parts.headers },
		receivedAt: RECEIVED_AT,
		settings: parts.settings ?? {},
	};
}

/** The events of a result, failing the test with the profile's message when it refused the request. */
export function eventsOf(result: NormaliseResult): NormalisedEvent[] {
	if ('error' in result) throw new Error(`Unexpected error: ${result.error}`);
	return result.events;
}
