/**
 * A node's credential, read from n8n at most once a second per credential and process.
 *
 * In a webhook, n8n 2.41 answers `getCredentials()` by loading the credential from the database,
 * decrypting it, and resolving its fields in a Workflow of its own that takes an expression isolate
 * first (credentials-helper.js, applyDefaultsAndOverwrites); under the default expression engine
 * that isolate is built fresh for every call, which made it one of the three isolates an accepted
 * request cost. Reusing the decrypted data for a second keeps a burst of requests to one read. The
 * price: an edited or revoked credential takes effect up to a second later.
 */
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { BoundedCache } from '../boundedCache';

export const CREDENTIAL_REUSE_MS = 1_000;
const MAX_ENTRIES = 256;

interface Entry {
	data: Promise<ICredentialDataDecryptedObject>;
	readAt: number;
}

export class CredentialCache {
	private readonly entries = new BoundedCache<string, Entry>(MAX_ENTRIES);

	constructor(
		private readonly reuseMs = CREDENTIAL_REUSE_MS,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * The credential of `type` on the node, shared by requests within `reuseMs` of its read (one read
	 * for concurrent requests too). Without a credential id (nothing to key on) it always asks n8n.
	 * Not async: the stored promise is handed out as it is, not wrapped in a new one per request.
	 */
	get<T extends object = ICredentialDataDecryptedObject>(
		context: Pick<IWebhookFunctions, 'getCredentials' | 'getNode' | 'getMode' | 'getWorkflow'>,
		type: string,
	): Promise<T> {
		const id = context.getNode().credentials?.[type]?.id;
		if (!id) return context.getCredentials<T>(type);
		// n8n may resolve one credential differently per workflow (its project) and mode: never share across them.
		const key = `${type}:${id}:${context.getWorkflow().id ?? ''}:${context.getMode()}`;
		const cached = this.entries.get(key);
		if (cached && this.now() - cached.readAt < this.reuseMs) return cached.data as Promise<T>;

		const data = context.getCredentials<ICredentialDataDecryptedObject>(type);
		this.entries.set(key, { data, readAt: this.now() });
		// A failed read (credential deleted, database down) is not kept: the next request asks again.
		data.catch(() => {
			if (this.entries.get(key)?.data === data) this.entries.delete(key);
		});
		return data as Promise<T>;
	}
}

/** One cache per process, shared by both triggers. */
export const webhookCredentials = new CredentialCache();
