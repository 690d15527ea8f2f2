import type { TestN8n, WorkflowJson } from '../../test/n8n/harness';
import { sleep } from './stats';

/** No single request may hang the suite: a stuck n8n fails the run instead. */
const REQUEST_TIMEOUT_MS = 300_000;

const query = (filter: object, limit: number) => `executions?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=${limit}`;

/** POSTs JSON to a production webhook and waits for the whole answer: with "answer when the last node finishes", the end of the execution. */
export async function runWorkflow(n8n: TestN8n, path: string, body: unknown): Promise<{ status: number; ms: number; text: string }> {
	const started = performance.now();
	const response = await fetch(n8n.webhookUrl(path), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
	});
	const text = await response.text();
	return { status: response.status, ms: performance.now() - started, text };
}

/** Executions n8n has recorded for a workflow, counted by n8n itself. */
export async function executionCount(n8n: TestN8n, workflowId: string): Promise<number> {
	return (await n8n.rest<{ count: number }>(query({ workflowId }, 1))).count;
}

/** Waits until no execution is new or running (bounded); returns how long that took. */
export async function drain(n8n: TestN8n, timeoutMs = 120_000): Promise<number> {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const { count } = await n8n.rest<{ count: number }>(query({ status: ['new', 'running'] }, 1));
		if (count === 0) return Date.now() - started;
		await sleep(100);
	}
	throw new Error(`Executions still running after ${timeoutMs} ms`);
}

/** Epoch ms when the last of a workflow's newest executions stopped. */
export async function lastStoppedAt(n8n: TestN8n, workflowId: string): Promise<number> {
	const { results } = await n8n.rest<{ results: Array<{ stoppedAt?: string | null }> }>(query({ workflowId }, 100));
	return Math.max(...results.map((execution) => (execution.stoppedAt ? Date.parse(execution.stoppedAt) : 0)));
}

/**
 * Waits until n8n has registered every POST path: it activates published workflows about a second
 * after it reports ready. A GET to a POST-only webhook runs nothing and says whether the path is
 * known ("not registered for GET requests") or not ("The requested webhook … is not registered").
 */
export async function waitForWebhooks(n8n: TestN8n, paths: string[], timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let missing = paths;
	while (Date.now() < deadline) {
		const answers = await Promise.all(
			missing.map(async (path) => {
				const response = await fetch(n8n.webhookUrl(path), { signal: AbortSignal.timeout(10_000) });
				const text = await response.text();
				return response.status === 404 && text.includes('The requested webhook') ? path : undefined;
			}),
		);
		missing = answers.filter((path): path is string => path !== undefined);
		if (missing.length === 0) return;
		await sleep(250);
	}
	throw new Error(`n8n has not registered ${missing.join(', ')} within ${timeoutMs} ms`);
}

/** The webhook path of each workflow's trigger. */
export const webhookPaths = (workflows: WorkflowJson[]): string[] =>
	workflows.flatMap((workflow) => {
		const path = workflow.nodes.find((node) => typeof node.parameters?.path === 'string')?.parameters?.path;
		return typeof path === 'string' ? [path] : [];
	});
