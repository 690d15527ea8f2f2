/** How a run of the Outbound Webhook node went, in the words its output panel shows. */
export interface RunCounts {
	delivered: number;
	retryLater: number;
	failed: number;
}

export interface RunSummaryOptions {
	/** False when nothing is connected to Retry Later, so waiting items would not come back. */
	retryLaterConnected?: boolean;
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
	if (counts.retryLater > 0 && options.retryLaterConnected === false) {
		message += ` Nothing is connected to the Retry Later output, so ${items(counts.retryLater)} will not be sent again: loop it through a Wait node back into this node.`;
		type = 'warning';
	}
	if (options.manualRunOf !== undefined && options.manualRunOf > 1 && counts.retryLater + counts.failed > 0) {
		message += ` A manual run makes one attempt per item; published runs make up to ${options.manualRunOf} (Retry Policy).`;
	}
	return { message, type };
}
