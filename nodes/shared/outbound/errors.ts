/**
 * A problem with what the user configured (or with the data an expression produced), raised by the
 * pure outbound modules. The node turns it into a NodeOperationError that names the field and the fix.
 */
export class OutboundConfigError extends Error {
	/** The parameter the user has to change, as shown in the editor (e.g. "URL", "Custom Headers"). */
	readonly field: string;

	/** How to fix it, in one sentence. */
	readonly hint?: string;

	constructor(field: string, message: string, hint?: string) {
		super(message);
		this.name = 'OutboundConfigError';
		this.field = field;
		this.hint = hint;
	}
}

export const isOutboundConfigError = (error: unknown): error is OutboundConfigError => error instanceof OutboundConfigError;
