/**
 * The method and public URL of the request n8n received, for a CRM that signs them (HubSpot). What the
 * URL is made of comes from the pure module http/publicUrl.ts; this reads it from n8n.
 */
import type { TLSSocket } from 'node:tls';

import type { IWebhookFunctions } from 'n8n-workflow';

import type { RequestLine } from '../crm/types';
import type { PublicUrlSource } from '../http/publicUrl';
import { publicRequestUrl } from '../http/publicUrl';
import type { IpRange } from '../inbound/ipAccess';
import { inRanges, parseAddress } from '../inbound/ipAccess';
import { headerBagOf } from '../inbound/request';
import { singleHeader } from '../signatures/types';

/** One value of a header, or undefined when it is absent or sent twice (a second copy could be a forgery). */
function headerText(headers: ReturnType<typeof headerBagOf>, name: string): string | undefined {
	const value = singleHeader(headers, name);
	return typeof value === 'string' ? value : undefined;
}

/**
 * X-Forwarded-Proto and X-Forwarded-Host count only from a direct peer in `trustedProxies` (the node's
 * Options › Trusted Proxies, the rule X-Forwarded-For follows too): anyone else could name any host, so its
 * request is checked against n8n's Webhook URL instead, never against its Host header.
 * n8n's own N8N_PROXY_HOPS only sets Express's `trust proxy` for its IP logging and is not read here.
 */
export function requestLineOf(context: IWebhookFunctions, source: PublicUrlSource, trustedProxies: readonly IpRange[]): RequestLine {
	const req = context.getRequestObject();
	const headers = headerBagOf(req);
	const peer = parseAddress(req.socket?.remoteAddress);
	const trusted = source === 'forwarded' && peer !== undefined && inRanges(peer, trustedProxies);
	// A peer that is not a trusted proxy could name any host: its request is judged against n8n's own Webhook URL.
	const effective: PublicUrlSource = trusted ? 'forwarded' : 'webhookUrl';
	const url = publicRequestUrl(
		{
			target: req.originalUrl ?? req.url ?? '',
			webhookUrl: effective === 'webhookUrl' ? context.getNodeWebhookUrl('default') : undefined,
			host: headerText(headers, 'host'),
			encrypted: (req.socket as TLSSocket | undefined)?.encrypted === true,
			...(trusted
				? { forwardedProto: headerText(headers, 'x-forwarded-proto'), forwardedHost: headerText(headers, 'x-forwarded-host') }
				: {}),
		},
		effective,
	);
	return { method: (req.method ?? 'POST').toUpperCase(), url };
}
