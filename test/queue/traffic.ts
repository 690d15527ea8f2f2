/**
 * Sending signed events to the webhook processors, and sorting n8n's answers: accepted, a repeat
 * the trigger recognised, refused, or the dedupe store unavailable.
 */
import { eventBody, sign } from './workflows';

export type Outcome = 'accepted' | 'duplicate' | 'unauthorized' | 'unavailable' | 'timeout' | 'other';

export interface Answer {
	status: number;
	outcome: Outcome;
	retryAfter: string | null;
	body: string;
}

/** The Inbound trigger answers a repeat 409 `{"error":"duplicate"}`, the CRM trigger 200 `{"duplicate":true}`. */
export function outcomeOf(status: number, body: string): Outcome {
	if (status === 200) return body.includes('"duplicate":true') ? 'duplicate' : 'accepted';
	if (status === 409 && body.includes('"duplicate"')) return 'duplicate';
	if (status === 401) return 'unauthorized';
	if (status === 503 && body.includes('dedupe_store_unavailable')) return 'unavailable';
	return 'other';
}

/** POSTs one event, signed (or signed with the wrong secret when `forged`); no answer within 30 s is a `timeout`. */
export async function sendEvent(url: string, id: string, options: { forged?: boolean } = {}): Promise<Answer> {
	const body = eventBody(id);
	const signature = options.forged ? sign(body, 'a-guessed-secret') : sign(body);
	try {
		const response = await fetch(url, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', 'x-webhook-signature': signature },
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		return {
			status: response.status,
			outcome: outcomeOf(response.status, text),
			retryAfter: response.headers.get('retry-after'),
			body: text,
		};
	} catch (error) {
		if ((error as Error).name !== 'TimeoutError') throw error;
		return { status: 0, outcome: 'timeout', retryAfter: null, body: '' };
	}
}

/** How often each value occurs, e.g. { 'worker-1': 260, 'worker-2': 240 }. */
export function countValues<T extends string>(values: readonly T[]): Partial<Record<T, number>> {
	const counts: Partial<Record<T, number>> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

/** Counts answers by outcome, e.g. { accepted: 50, duplicate: 150 }; an unexpected answer by its status and body. */
export const tally = (answers: ReadonlyArray<Answer>) =>
	countValues(answers.map(({ outcome, status, body }) => (outcome === 'other' ? `other ${status} ${body.slice(0, 80)}` : outcome)));

const isFinal = ({ outcome, status }: Answer) => !['unavailable', 'timeout'].includes(outcome) && status < 500;

/**
 * Sends an event as a webhook sender does: an answer that is not final (a 503 with Retry-After, as
 * the triggers answer when the dedupe store cannot answer in time, another server error, or no
 * answer) is retried after `delayMs`, up to `attempts` times. Resolves to the last answer and the
 * number of attempts that were not final.
 */
export async function sendWithRetries(url: string, id: string, attempts = 8, delayMs = 2000): Promise<Answer & { refused: number }> {
	for (let attempt = 1; ; attempt++) {
		const answer = await sendEvent(url, id);
		if (isFinal(answer) || attempt === attempts) return { ...answer, refused: attempt - 1 };
		await new Promise((resolve) => setTimeout(resolve, delayMs));
	}
}

/** Event ids `evq_<scenario>_<n>` for n = 0 … count-1. */
export const eventIds = (scenario: string, count: number) => Array.from({ length: count }, (_, n) => `evq_${scenario}_${n}`);

/**
 * Distinct events sent without pause until stopped, alternating between the URLs: the background
 * traffic other scenarios run under. Resolves to the ids it sent.
 */
export function backgroundTraffic(urls: string[], scenario: string, concurrency = 4): { stop: () => Promise<string[]> } {
	const sent: string[] = [];
	let running = true;
	let next = 0;
	const loop = async () => {
		while (running && next < 10_000) {
			const n = next++;
			const id = `evq_${scenario}_${n}`;
			sent.push(id);
			await sendEvent(urls[n % urls.length], id).catch(() => undefined);
		}
	};
	const loops = Promise.all(Array.from({ length: concurrency }, loop));
	return {
		stop: async () => {
			running = false;
			await loops;
			return sent;
		},
	};
}
