/**
 * n8n's sandbox for webhook answers (n8n-core's html-sandbox.ts, applied by n8n's webhook helpers to the
 * answers it sends): a browser runs an HTML answer as a sandboxed document, so a page a workflow answers
 * with cannot run script as n8n's own site. The triggers' own answers carry it too, unless n8n's
 * administrator turned it off with N8N_INSECURE_DISABLE_WEBHOOK_IFRAME_SANDBOX.
 */
export const HTML_SANDBOX_CSP =
	'sandbox allow-downloads allow-forms allow-modals allow-orientation-lock allow-pointer-lock allow-popups allow-popups-to-escape-sandbox allow-presentation allow-scripts allow-top-navigation-by-user-activation allow-top-navigation-to-custom-protocols';

/** As n8n reads its boolean settings: "true" or "1", in any case. */
export function isHtmlSandboxDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
	const value = env.N8N_INSECURE_DISABLE_WEBHOOK_IFRAME_SANDBOX?.toLowerCase();
	return value === 'true' || value === '1';
}

let disabledInThisProcess: boolean | undefined;

/** Read once, as n8n reads its settings once at start: a process.env read costs every request about 0.3 µs. */
export const htmlSandboxDisabled = (): boolean => (disabledInThisProcess ??= isHtmlSandboxDisabled());
