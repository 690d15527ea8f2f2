/** How a run of the Outbound Webhook node went, in the words its output panel shows. */
export interface RunCounts {
	delivered: number;
	retryLater: number;
	failed: number;
}

export interface RunSummaryOptions {
	/** Items that failed instead of waiting in Retry Later, as nothing is connected to it. */
	notRetriedLater?: number;
	/** Set in a manual run, which makes one attempt: the attempts a production run would make (said when an item was not delivered). */
	manualRunOf?: number;
}

export interface RunHint {
	message: string;
	type: 'info' | 'warning';
}

const items = (count: number) => `${count} item${count === 1 ? '' : 's'}`;

/** One line for the output panel: delivered, waiting and failed counts, and what a person should know. */
export function summarizeRun(counts: RunCounts, options: RunSummaryOptions = {}): RunHint {
	const parts = [`${counts.delivered} delivered`, `${counts.retryLater} waiting in Retry Later`, `${counts.failed} failed`];
	let message = `Outbound Webhook: ${parts.join(', ')}.`;
	let type: RunHint['type'] = counts.retryLater + counts.failed > 0 ? 'warning' : 'info';
	if (options.notRetriedLater) {
		message += ` Nothing is connected to the Retry Later output, so ${items(options.notRetriedLater)} failed instead of waiting to be sent again: loop it through a Wait node back into this node.`;
		type = 'warning';
	}
	if (options.manualRunOf !== undefined && options.manualRunOf > 1 && counts.retryLater + counts.failed > 0) {
		message += ` A manual run makes one attempt per item; published runs make up to ${options.manualRunOf} (Retry Policy).`;
	}
	return { message, type };
}
