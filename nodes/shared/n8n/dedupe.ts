/**
 * n8n glue for deduplication: which store a node uses (its `dedupeStore` parameter and credential),
 * the node's memory for one request, the queue-mode warning, and closing shared connections when a
 * workflow is deactivated.
 */
import type { ServerResponse } from 'node:http';

import type { IDataObject, IHookFunctions, IWebhookFunctions, Logger } from 'n8n-workflow';

import { hashEventId, sharedDedupeStore } from '../inbound/dedupeStore';
import type { DedupeOptions } from '../inbound/dedupeStore';
import { leave, sharedStoreFor } from '../dedupe/registry';
import type { DedupeStoreKind, SharedStoreConnection } from '../dedupe/connection';
import { DEDUPE_CREDENTIAL_TYPES, storeConnectionOf, storeConnectionProblems } from '../dedupe/connection';
import type { DedupeCheck, EventDedupe, SharedDedupeStore } from '../dedupe/types';
import { DedupeStoreUnavailable } from '../dedupe/types';
import { webhookCredentials } from './credentialCache';
import { isAnsweredByNode } from './ownAnswers';
import { warnOncePerNode } from './warnOnce';

type NodeContext = IWebhookFunctions | IHookFunctions;

export function dedupeStoreKindOf(context: Pick<NodeContext, 'getNodeParameter'>): DedupeStoreKind {
	const kind = context.getNodeParameter('dedupeStore', 'staticData');
	return kind === 'redis' || kind === 'postgres' ? kind : 'staticData';
}

/** The node across its test and production webhooks: a user of a shared store. */
const nodeKey = (context: NodeContext) => `${context.getWorkflow().id ?? ''}:${context.getNode().id}`;

async function sharedSettingsOf(context: NodeContext, kind: 'redis' | 'postgres'): Promise<SharedStoreConnection> {
	// Read through the per-process reuse: under n8n's default engine every read builds an expression isolate.
	return storeConnectionOf(kind, (await webhookCredentials.get(context, DEDUPE_CREDENTIAL_TYPES[kind])) as Record<string, unknown>);
}

const inQueueMode = () => process.env.EXECUTIONS_MODE === 'queue';

/**
 * Queue mode as webhook requests see it: read at the first request and kept, as n8n itself reads
 * EXECUTIONS_MODE once at start. A process.env read cost about 0.3 µs on every request; the
 * publish-time check (dedupeStoreProblems) still reads it each time.
 */
let queueModeOfRequests: boolean | undefined;

/**
 * In queue mode each webhook process keeps its own memory and static data is rewritten whole by each
 * request, so the static-data store lets copies through. Said once per node and process.
 */
export function warnIfQueueMode(context: NodeContext & { logger: Logger }, kind: DedupeStoreKind, queueMode = inQueueMode()) {
	if (kind !== 'staticData' || !queueMode) return;
	warnOncePerNode(
		context,
		'queueMode',
		"deduplicates with this n8n process's workflow static data, but n8n runs in queue mode (EXECUTIONS_MODE=queue): " +
			'copies of an event that reach different webhook processes can both start the workflow. Set the node’s Dedupe Store to Redis or PostgreSQL.',
	);
}

/** Publish-time problems of the node's dedupe store, naming the credential field. */
export async function dedupeStoreProblems(context: IHookFunctions, deduplicates: boolean): Promise<string[]> {
	if (!deduplicates) return [];
	const kind = dedupeStoreKindOf(context);
	warnIfQueueMode(context, kind);
	if (kind === 'staticData') return [];
	const settings = await sharedSettingsOf(context, kind);
	return storeConnectionProblems(settings).map((problem) => `Dedupe Store credential: ${problem}`);
}

/** The workflow is deactivated: its node stops using its shared store (closed when no other node uses it). */
export async function leaveDedupeStore(context: IHookFunctions): Promise<void> {
	await leave(nodeKey(context));
}

/** The node's memory in workflow static data (one process), with n8n's save forced after the request. */
function staticDataDedupe(context: IWebhookFunctions, options: DedupeOptions): EventDedupe {
	const scopeKey = `${nodeKey(context)}:${context.getMode()}`;
	const staticData = context.getWorkflowStaticData('node');
	const memory = sharedDedupeStore.open(scopeKey, staticData, options);
	let marked = false;
	return {
		// The scope answers synchronously, and so does this: no promise per request.
		seenBefore(checks) {
			const seen = checks.map(({ eventId, windowSeconds }) => memory.seenBefore(eventId, windowSeconds));
			// Only when the store asks for it: each save rewrites the workflow's whole static data.
			if (!marked && memory.needsSave) {
				marked = true;
				markChangedAfterExecutionStart(staticData);
			}
			return seen;
		},
		forget: (eventIds) => eventIds.forEach((eventId) => memory.forget(eventId)),
	};
}

/**
 * The node's memory for one request; undefined when it does not deduplicate. A shared store's
 * credential is read only when an event is checked, so refused requests cost nothing here.
 */
export function dedupeScopeOf(context: IWebhookFunctions, options: DedupeOptions | undefined): EventDedupe | undefined {
	if (!options) return undefined;
	const kind = dedupeStoreKindOf(context);
	if (kind === 'staticData') {
		warnIfQueueMode(context, kind, (queueModeOfRequests ??= inQueueMode()));
		return givenBackIfNotStored(context, staticDataDedupe(context, options));
	}
	return givenBackIfNotStored(context, sharedDedupe(context, kind));
}

function sharedDedupe(context: IWebhookFunctions, kind: 'redis' | 'postgres'): EventDedupe {
	const scope = `${nodeKey(context)}:${context.getMode()}:`;
	// Per request, through the triggers' one-second credential cache (each read costs n8n an isolate).
	const store = async () => {
		const credential = await webhookCredentials.get<Record<string, unknown>>(context, DEDUPE_CREDENTIAL_TYPES[kind]);
		const settings = storeConnectionOf(kind, credential);
		const problems = storeConnectionProblems(settings);
		if (problems.length > 0) throw new DedupeStoreUnavailable(`Dedupe Store credential: ${problems.join('; ')}`);
		return sharedStoreFor(settings, nodeKey(context));
	};
	// The store that took the claims gives them back: its credential cannot be read once n8n has answered.
	let claimedIn: SharedDedupeStore | undefined;
	return {
		async seenBefore(checks) {
			const claims = checks.map(({ eventId, windowSeconds }) => ({ key: scope + hashEventId(eventId), windowSeconds }));
			claimedIn = await store();
			const claimed = await claimedIn.claim(claims);
			return claimed.map((isNew) => !isNew);
		},
		forget: async (eventIds) => await claimedIn?.forget(eventIds.map((eventId) => scope + hashEventId(eventId))),
	};
}

/**
 * n8n answers an accepted request with a 5xx when it could not start or record its execution (its
 * database or queue failed), and the trigger answers 500 itself when it failed after the check. The
 * ids the request recorded are then given back, so the sender's retry is not taken for a duplicate of
 * an event n8n never stored (see acceptedStatusOf for the 5xx that are not that).
 */
function givenBackIfNotStored(context: IWebhookFunctions, dedupe: EventDedupe): EventDedupe {
	const recorded: string[] = [];
	const record = (checks: DedupeCheck[], seen: boolean[]) => {
		if (recorded.length === 0 && seen.includes(false)) watchAnswer(context, dedupe, recorded);
		for (let index = 0; index < checks.length; index++) if (!seen[index]) recorded.push(checks[index].eventId);
		return seen;
	};
	return {
		seenBefore(checks) {
			const seen = dedupe.seenBefore(checks);
			return Array.isArray(seen) ? record(checks, seen) : seen.then((answered) => record(checks, answered));
		},
		forget: async (eventIds) => await dedupe.forget(eventIds),
	};
}

function watchAnswer(context: IWebhookFunctions, dedupe: EventDedupe, recorded: string[]) {
	const res = context.getResponseObject() as unknown as ServerResponse | undefined;
	if (typeof res?.end !== 'function') return;
	// Read now: once n8n answers, it has released the workflow's expression isolate and parameters cannot be read.
	const acceptedStatus = acceptedStatusOf(context);
	const log = { logger: context.logger, node: context.getNode().name, workflowId: context.getWorkflow().id };
	onEnd(res, (status) => {
		if (status < 500 || (!isAnsweredByNode(res) && (acceptedStatus === undefined || status === acceptedStatus))) return;
		void giveBack(log, dedupe, recorded);
	});
}

/**
 * The status n8n sends when it stored the execution of a node that answers on receipt: its Response Code
 * (5xx is an odd choice, but the user's). Undefined for When Last Node Finishes or a Respond to Webhook node,
 * where n8n's 5xx can be the workflow's own failure, recorded as an execution.
 */
function acceptedStatusOf(context: IWebhookFunctions): number | undefined {
	try {
		if (context.getNodeParameter('responseMode', 'onReceived') !== 'onReceived') return undefined;
		return Number(context.getNodeParameter('responseCode', 200));
	} catch {
		return undefined;
	}
}

/**
 * Calls `ended` with the status as the response is ended: also when the sender gave up first, for which no
 * 'finish' event comes (a slow database is the likely cause of both). A failure in it never breaks the answer.
 */
function onEnd(res: ServerResponse, ended: (status: number) => void) {
	const end = res.end;
	res.end = function (this: ServerResponse, ...args: unknown[]) {
		res.end = end;
		try {
			ended(this.statusCode);
		} catch {
			// The answer goes out whatever the give-back does.
		}
		return (end as (...parts: unknown[]) => ServerResponse).apply(this, args);
	} as ServerResponse['end'];
}

interface GiveBackLog {
	logger: IWebhookFunctions['logger'];
	node: string;
	workflowId: string | undefined;
}

async function giveBack({ logger, node, workflowId }: GiveBackLog, dedupe: EventDedupe, eventIds: string[]) {
	const meta = { workflowId, node, eventIdHashes: eventIds.map(hashEventId) };
	try {
		await dedupe.forget(eventIds);
		logger.warn(
			`${node}: n8n could not store the execution of an accepted request; its event ids were given back, so the sender's retry starts the workflow`,
			meta,
		);
	} catch (error) {
		logger.error(
			`${node}: n8n could not store the execution of an accepted request, and its event ids could not be given back (${(error as Error).message}): the sender's retry will be taken for a duplicate`,
			meta,
		);
	}
}

/**
 * Makes n8n save static data changed in webhook() although the request starts an execution.
 * live-webhooks.js saves it only if its "changed" flag is set when it answers, and n8n 2.41 clears
 * that flag in between: WorkflowRunner.run() wraps the same static data object in a second Workflow
 * (establishContextForPersistence), whose ObservableObject.create() redefines `__dataChanged` as
 * false. Without this, ids recorded by an accepted request were never written, so a restart forgot
 * them (found by the reliability suite: a redelivery after a restart started a second execution).
 * n8n reaches that point within the same tick (only microtask hops after webhook() returns) and
 * saves after database round trips, so marking again on the next turn of the event loop lands in
 * between; a later mark is harmless (the request's workflow is discarded after its answer).
 */
export function markChangedAfterExecutionStart(staticData: IDataObject) {
	setImmediate(() => {
		// Assigning through n8n's observable proxy sets the flag; the values stay the same.
		for (const [key, value] of Object.entries(staticData)) staticData[key] = value;
	});
}
