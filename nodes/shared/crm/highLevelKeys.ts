/**
 * HighLevel's published webhook public keys. Sources: the official Webhook Integration Guide
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide/index.html, copied in
 * oscarcandoit/support-docs api/ghl-api/api/Authorization_Scopes_2025-10-11.md) for the RSA key, and the
 * Ed25519 key as published with the X-GHL-Signature change (identical in 8+ independent repositories).
 * The node lets users paste replacements, so a key rotation needs no release.
 */

/** RSA 4096, e=65537: verifies the legacy `x-wh-signature` header (RSA-SHA256, PKCS#1 v1.5, base64). */
export const HIGHLEVEL_RSA_PUBLIC_KEY = [
	'-----BEGIN PUBLIC KEY-----',
	'MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC',
	'Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6',
	'dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB',
	'csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv',
	'uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF',
	'3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU',
	'J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp',
	'IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN',
	'h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC',
	'HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ',
	'PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk',
	'T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==',
	'-----END PUBLIC KEY-----',
].join('\n');

/** Ed25519: verifies the current `X-GHL-Signature` header (base64). */
export const HIGHLEVEL_ED25519_PUBLIC_KEY = [
	'-----BEGIN PUBLIC KEY-----',
	'MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=',
	'-----END PUBLIC KEY-----',
].join('\n');
