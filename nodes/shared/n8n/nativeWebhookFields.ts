/**
 * Webhook-description fields n8n can resolve without its expression engine.
 *
 * A trigger's webhook description reads the node's parameters through templates such as
 * `={{$parameter["path"]}}`. n8n evaluates every such template on every request, and under its
 * default engine each evaluation runs in a V8 isolate. n8n 2.41 first looks for a resolver stored
 * under the global symbol `n8n.webhookDescriptionResolvers` (n8n-workflow's WEBHOOK_RESOLVERS): when
 * the field still carries the resolver's template and the node's parameters hold no expression
 * (`nodeParametersAreStatic`), it calls the resolver instead of the engine.
 *
 * This is n8n-workflow's `webhookDescriptionFields`/`fromParameter` rebuilt here, because the
 * package runs on the n8n-workflow of the n8n that loads it, and n8n 1.x exports neither. Older n8n
 * ignores the symbol-keyed entry (Object.entries and JSON skip symbols) and evaluates the template
 * as before, so one description serves both.
 */
import type { INodeParameters, NodeParameterValueType } from 'n8n-workflow';

/** The same key as n8n-workflow 2.41's WEBHOOK_RESOLVERS (`Symbol.for`, so the registry hands back one symbol). */
export const WEBHOOK_RESOLVERS: unique symbol = Symbol.for('n8n.webhookDescriptionResolvers') as never;

export interface NativeField {
	/** What the editor and older n8n evaluate. */
	template: string;
	/** What n8n 2.41+ calls instead, with the node's parameters (defaults applied). */
	resolve: (parameters: INodeParameters) => NodeParameterValueType | undefined;
}

type Fallback = string | number;

/**
 * A field that reads one parameter, optionally nested (`['settings', 'responseCode']`), with the
 * template's `||` fallback: plain JavaScript truthiness, as the engine applies it.
 */
export function fromParameter(path: string | string[], fallback?: Fallback): NativeField {
	const segments = Array.isArray(path) ? path : [path];
	const accessor = segments.map((segment) => `["${segment}"]`).join('');
	const tail = fallback === undefined ? '' : ` || ${JSON.stringify(fallback)}`;
	return {
		template: `={{$parameter${accessor}${tail}}}`,
		resolve: (parameters) => {
			let current: unknown = parameters;
			for (const key of segments) {
				if (current === null || current === undefined) return fallback;
				current = (current as Record<string, unknown>)[key];
			}
			if (fallback !== undefined && !current) return fallback;
			return current as NodeParameterValueType | undefined;
		},
	};
}

/**
 * A field whose template and resolver are written side by side; each caller keeps them equal and
 * proves it with a parity test that evaluates the template in n8n's engine.
 */
export const nativeField = (template: string, resolve: NativeField['resolve']): NativeField => ({ template, resolve });

/**
 * Spreads into an IWebhookDescription: each field's template, plus the resolvers under the symbol.
 * Fields given as plain values stay plain (n8n reads those without the engine on every version).
 */
export function webhookDescriptionFields<K extends string>(
	fields: Record<K, NativeField>,
): Record<K, string> & { [WEBHOOK_RESOLVERS]: Record<string, NativeField> } {
	const templates = {} as Record<K, string>;
	const resolvers: Record<string, NativeField> = {};
	for (const [name, field] of Object.entries(fields) as Array<[K, NativeField]>) {
		templates[name] = field.template;
		resolvers[name] = field;
	}
	return { ...templates, [WEBHOOK_RESOLVERS]: resolvers };
}
