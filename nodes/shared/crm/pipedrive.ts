/**
 * Pipedrive general webhooks (pipedrive.readme.io: "Guide for Webhooks", "Guide for Webhooks v2", "Webhooks v2
 * migration guide"). Nothing is signed: Pipedrive sends the HTTP Basic credentials set on the subscription
 * (`http_auth_user`, `http_auth_password`), checked by the Webhook Basic Auth credential in constant time.
 *
 * - v2 (`meta.version: "2.0"`): `meta.action` create/change/delete, `meta.entity`, `meta.entity_id`, `data`,
 *   `previous`. `meta.id` identifies the event and stays the same when Pipedrive retries it (`meta.attempt`
 *   counts the attempts), so it is the event id.
 * - v1: `meta.action` added/updated/deleted/merged, `meta.object`, `meta.id` (the object's id), `current`,
 *   `previous`, `event` (`updated.deal`). v1 has no event id: the id is a hash of the action, object, its id
 *   and `meta.timestamp_micro` (the time of the change), which a retry repeats (only the top-level `retry` grows).
 *
 * Both become `<object>.created|updated|deleted|merged` (`added.deal` and `create.deal` → `deal.created`).
 */
import { buildEvent, eventIdOf, eventType, idText, isoTime, isRecord, objectKey, presentValues } from './events';
import { bodyValue } from './records';
import { setupSteps } from './setupSteps';
import type { CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult } from './types';

/** v1 and v2 action words under the canonical ones. */
const ACTIONS = new Map<string, string>([
	['added', 'created'],
	['create', 'created'],
	['updated', 'updated'],
	['change', 'updated'],
	['deleted', 'deleted'],
	['delete', 'deleted'],
	['merged', 'merged'],
]);
const SOURCE_ACTIONS: Record<string, [string, string]> = {
	created: ['added', 'create'],
	updated: ['updated', 'change'],
	deleted: ['deleted', 'delete'],
};

const lifecycle = (object: string, label: string): CrmEventType[] =>
	Object.entries(SOURCE_ACTIONS).map(([action, [v1, v2]]) =>
		eventType(`${object}.${action}`, `${label} ${action[0].toUpperCase()}${action.slice(1)}`, `${v1}.${object}`, `${v2}.${object}`),
	);

/** The objects of Pipedrive's webhook lists (v1 and v2); v1 also sends merges of deals, persons and organizations. */
const EVENTS: CrmEventType[] = [
	...lifecycle('deal', 'Deal'),
	eventType('deal.merged', 'Deal Merged (v1)', 'merged.deal'),
	...lifecycle('person', 'Person'),
	eventType('person.merged', 'Person Merged (v1)', 'merged.person'),
	...lifecycle('organization', 'Organization'),
	eventType('organization.merged', 'Organization Merged (v1)', 'merged.organization'),
	...lifecycle('lead', 'Lead'),
	...lifecycle('activity', 'Activity'),
	...lifecycle('note', 'Note'),
	...lifecycle('product', 'Product'),
	...lifecycle('pipeline', 'Pipeline'),
	...lifecycle('stage', 'Stage'),
	...lifecycle('user', 'User'),
];

const recordOrUndefined = (value: unknown) => (isRecord(value) && Object.keys(value).length > 0 ? value : undefined);

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	const meta = isRecord(body) && isRecord(body.meta) ? body.meta : undefined;
	const action = idText(meta?.action);
	const object = idText(meta?.entity) ?? idText(meta?.object);
	if (!isRecord(body) || !meta || !action || !object) {
		return { error: 'A Pipedrive webhook must be a JSON object whose "meta" names its action and object' };
	}
	const v2 = String(meta.version ?? '').startsWith('2');
	const canonicalAction = ACTIONS.get(action.toLowerCase()) ?? objectKey(action);
	const data = (v2 ? body.data : body.current) ?? {};
	const record: JsonObject = isRecord(data) ? data : { value: data };
	const objectId = idText(v2 ? meta.entity_id : meta.id) ?? idText(record.id);
	const occurredAt = isoTime(meta.timestamp);
	const sentId = v2 ? idText(meta.id) : undefined;
	return {
		events: [
			buildEvent(
				{
					event: `${objectKey(object)}.${canonicalAction}`,
					sourceEvent: idText(body.event) ?? `${action}.${object}`,
					crm: 'pipedrive',
					...eventIdOf(sentId, occurredAt, 'pipedrive', action, object, objectId, meta.timestamp_micro ?? meta.timestamp),
					occurredAt,
					object: { type: objectKey(object), id: objectId },
					data: record,
					previous: recordOrUndefined(body.previous),
					context: presentValues({
						version: v2 ? '2.0' : '1',
						companyId: meta.company_id,
						userId: meta.user_id,
						webhookId: meta.webhook_id,
						host: meta.host,
						changeSource: meta.change_source,
						correlationId: meta.correlation_id,
						attempt: meta.attempt ?? body.retry,
						mergedToId: meta.merged_to_id,
					}),
				},
				input.receivedAt,
			),
		],
	};
}

export const pipedrive: CrmProfile = {
	id: 'pipedrive',
	displayName: 'Pipedrive',
	events: EVENTS,
	defaultAuthentication: 'basicAuth',
	supportedAuthentications: ['basicAuth', 'none'],
	httpMethods: ['POST'],
	setupHint: setupSteps(
		'Pipedrive webhook',
		[
			'In Pipedrive open Settings > Tools and apps > Webhooks > Create new webhook (or POST /v1/webhooks with version "2.0").',
			'Pick the event action and object you want, and set Endpoint URL to this URL.',
			'Set HTTP Auth username and password to those of a Webhook Basic Auth credential, and pick that credential here.',
			'Publish the workflow.',
		],
		'v1 and v2 payloads are both read: added.deal and create.deal become deal.created. A wrong or missing password is answered 401.',
	),
	settings: [],
	normalise,
};
