/**
 * Attio (docs.attio.com/rest-api/how-to/webhooks): `Attio-Signature` (copied as `X-Attio-Signature`) is the hex
 * HMAC-SHA256 of the raw body keyed with the webhook secret. The body is `{webhook_id, events: [...]}`, several
 * events per request, each `{event_type, id: {workspace_id, ...}, actor}`. `Idempotency-Key` is the same across
 * retries, so it is the dedupe key. Any answer but 200 or 202 is retried up to 10 times over about 3 days.
 */
import type { SigningConfig } from '../signatures';
import { singleHeader } from '../signatures/types';
import { buildEvent, eventIdOf, eventType, firstId, idText, isRecord, objectTypeOf, presentValues, resolveEvent, without } from './events';
import { bodyValue } from './records';
import type { CrmEventType, CrmProfile, JsonObject, NormaliseInput, NormaliseResult, NormalisedEvent } from './types';
import { setupSteps } from './setupSteps';

/** Attio's dashed names (`list-entry.created`) under canonical underscored ones. */
const attioEvent = (source: string, name: string) => eventType(source.replace(/-/g, '_'), name, source);

/** The event types of Attio's webhook reference. */
const EVENTS: CrmEventType[] = [
	attioEvent('record.created', 'Record Created'),
	attioEvent('record.updated', 'Record Updated'),
	attioEvent('record.deleted', 'Record Deleted'),
	attioEvent('record.merged', 'Record Merged'),
	attioEvent('list-entry.created', 'List Entry Created'),
	attioEvent('list-entry.updated', 'List Entry Updated'),
	attioEvent('list-entry.deleted', 'List Entry Deleted'),
	attioEvent('list.created', 'List Created'),
	attioEvent('list.updated', 'List Updated'),
	attioEvent('list.deleted', 'List Deleted'),
	attioEvent('object-attribute.created', 'Object Attribute Created'),
	attioEvent('object-attribute.updated', 'Object Attribute Updated'),
	attioEvent('list-attribute.created', 'List Attribute Created'),
	attioEvent('list-attribute.updated', 'List Attribute Updated'),
	attioEvent('note.created', 'Note Created'),
	attioEvent('note.updated', 'Note Updated'),
	attioEvent('note-content.updated', 'Note Content Updated'),
	attioEvent('note.deleted', 'Note Deleted'),
	attioEvent('task.created', 'Task Created'),
	attioEvent('task.updated', 'Task Updated'),
	attioEvent('task.deleted', 'Task Deleted'),
	attioEvent('comment.created', 'Comment Created'),
	attioEvent('comment.resolved', 'Comment Resolved'),
	attioEvent('comment.unresolved', 'Comment Unresolved'),
	attioEvent('comment.deleted', 'Comment Deleted'),
	attioEvent('workspace-member.created', 'Workspace Member Created'),
	attioEvent('call-recording.created', 'Call Recording Created'),
];

/** The id of the changed thing inside `id`, most specific first (a list entry also names its list). */
const ID_FIELDS = [
	'record_id',
	'entry_id',
	'note_id',
	'task_id',
	'comment_id',
	'call_recording_id',
	'workspace_member_id',
	'attribute_id',
	'list_id',
];

/** Attio allows no choice of scheme: only the credential's secret is used. */
const adaptSigning = (): SigningConfig => ({
	scheme: 'hmac',
	headerName: 'Attio-Signature',
	algorithm: 'sha256',
	encoding: 'hex',
	prefix: '',
	signedContent: 'body',
	timestampHeaderName: '',
});

function toEvent(record: JsonObject, index: number, count: number, body: JsonObject, input: NormaliseInput): NormalisedEvent {
	const { event: canonical, sourceEvent } = resolveEvent(EVENTS, idText(record.event_type) ?? 'unknown');
	const ids = isRecord(record.id) ? record.id : {};
	const key = idText(singleHeader(input.headers, 'idempotency-key'));
	// One key covers the whole request: its events are told apart by their place, which retries keep.
	const sentId = key && count > 1 ? `${key}:${index}` : key;
	return buildEvent(
		{
			event: canonical,
			sourceEvent,
			crm: 'attio',
			...eventIdOf(sentId, undefined, 'attio', body.webhook_id, record),
			occurredAt: undefined,
			object: { type: objectTypeOf(canonical), id: firstId(ids, ID_FIELDS) },
			data: without(record, ['event_type']),
			context: presentValues({ webhookId: body.webhook_id, workspaceId: ids.workspace_id, objectId: ids.object_id, listId: ids.list_id }),
		},
		input.receivedAt,
	);
}

function normalise(input: NormaliseInput): NormaliseResult {
	const body = bodyValue(input);
	if (body === undefined) return { events: [] };
	if (!isRecord(body) || !Array.isArray(body.events)) return { error: 'An Attio webhook must be a JSON object with an "events" array' };
	const records = body.events.filter(isRecord);
	return { events: records.map((record, index) => toEvent(record, index, records.length, body, input)) };
}

export const attio: CrmProfile = {
	id: 'attio',
	displayName: 'Attio',
	events: EVENTS,
	defaultAuthentication: 'signingSecret',
	supportedAuthentications: ['signingSecret', 'none'],
	adaptSigning,
	signatureCopyHeaders: ['x-attio-signature'],
	httpMethods: ['POST'],
	// Up to 10 retries over about 3 days (Attio's webhook guide).
	retryWindowHours: 72,
	setupHint: setupSteps(
		'Attio webhook',
		[
			'In Attio open Workspace settings > Developers, open your integration and add a webhook with this URL and the events you want (or create it with the webhooks API).',
			'Copy the webhook secret into a Webhook Signing Secret credential; Attio-Signature, HMAC SHA-256 hex of the body, is applied whatever the credential names.',
			'Pick that credential here and publish the workflow.',
		],
		'A request carrying several events becomes one item each; the Idempotency-Key header drops retries.',
	),
	settings: [],
	normalise,
};
