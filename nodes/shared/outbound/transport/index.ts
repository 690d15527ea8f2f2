export { blockedAddressReason, isIpLiteral } from './addresses';
export { agentFor, destroyAgents } from './agents';
export { TransportError, toTransportError } from './errors';
export { n8nSsrfPolicy } from './n8nSsrf';
export type { N8nSsrfPolicy } from './n8nSsrf';
export { proxyEnvironment, proxyFor } from './proxy';
export type { ProxyEnv } from './proxy';
export { DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, request } from './request';
export type { HttpResponse, RequestOptions } from './request';
