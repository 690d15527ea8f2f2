/**
 * The URL a sender used to reach n8n, for senders that sign it (HubSpot). Behind a reverse proxy n8n sees
 * `http://127.0.0.1:5678/webhook/x` while the sender called `https://crm.example.com/webhook/x`, so the URL is
 * rebuilt from what n8n knows of its public address: its Webhook URL (`WEBHOOK_URL`), or the X-Forwarded-Proto
 * and X-Forwarded-Host a trusted proxy added. Pure: the n8n glue passes in what it read from the request.
 */

/** `webhookUrl`: n8n's Webhook URL setting. `forwarded`: X-Forwarded-Proto/Host from a trusted proxy, else Host. */
export type PublicUrlSource = 'webhookUrl' | 'forwarded';

export interface ReceivedUrl {
	/** Path and query as in the request line (`req.originalUrl`), percent-encoding untouched. */
	target: string;
	/** n8n's URL of this webhook (`getNodeWebhookUrl`): WEBHOOK_URL, else N8N_PROTOCOL, N8N_HOST and N8N_PORT. */
	webhookUrl?: string;
	/** The Host header. */
	host?: string;
	/** Whether n8n itself terminated TLS for this request. */
	encrypted?: boolean;
	/** X-Forwarded-Proto and X-Forwarded-Host, given only when the request came from a trusted proxy. */
	forwardedProto?: string;
	forwardedHost?: string;
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The first entry of a header a chain of proxies appended to, as Express reads it. */
const firstEntry = (value: string | undefined) => value?.split(',')[0].trim() || undefined;

function splitTarget(target: string): { path: string; rest: string } {
	const query = target.indexOf('?');
	return query === -1 ? { path: target, rest: '' } : { path: target.slice(0, query), rest: target.slice(query) };
}

/**
 * n8n's Webhook URL with the request's own path and query. The URL n8n gives is the production one
 * (`…/webhook/<path>`) while a test request arrives at `/webhook-test/<path>`, and a proxy may strip a
 * prefix (`https://host/n8n/webhook/<path>` reaches n8n as `/webhook/<path>`): the public prefix is what the
 * Webhook URL holds before as many segments as the request path has. When the node's path does not end both
 * (n8n changed its URLs), the Webhook URL's origin is used with the request path as is.
 */
function fromWebhookUrl(webhookUrl: string, target: string): string | undefined {
	let base: URL;
	try {
		base = new URL(webhookUrl);
	} catch {
		return undefined;
	}
	const { path } = splitTarget(target);
	const requestSegments = path.split('/');
	const baseSegments = base.pathname.split('/');
	const count = requestSegments.length - 1;
	const nodePath = requestSegments.slice(2).join('/');
	const matches = baseSegments.length > count && baseSegments.slice(baseSegments.length - (count - 1)).join('/') === nodePath;
	const prefix = matches && count > 0 ? baseSegments.slice(0, baseSegments.length - count).join('/') : '';
	return `${base.origin}${prefix}${target}`;
}

function fromForwarded(request: ReceivedUrl): string | undefined {
	const proto = (firstEntry(request.forwardedProto) ?? (request.encrypted ? 'https' : 'http')).toLowerCase();
	const host = firstEntry(request.forwardedHost) ?? firstEntry(request.host);
	if ((proto !== 'http' && proto !== 'https') || !host || !HOST.test(host)) return undefined;
	return `${proto}://${host}${request.target}`;
}

/** The public URL of the request, or undefined when it cannot be told (no Webhook URL, a malformed host). */
export function publicRequestUrl(request: ReceivedUrl, source: PublicUrlSource): string | undefined {
	if (!request.target.startsWith('/')) return undefined;
	if (source === 'forwarded') return fromForwarded(request);
	return request.webhookUrl ? fromWebhookUrl(request.webhookUrl, request.target) : undefined;
}
