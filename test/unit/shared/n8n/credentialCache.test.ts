import type { IWebhookFunctions } from 'n8n-workflow';

import { CredentialCache } from '../../../../nodes/shared/n8n/credentialCache';

/** A webhook context whose credential reads are counted; `answers` are returned in turn. */
function contextWith(credentialId: string | undefined, answers: Array<object | Error>, workflowId = 'wf1', mode = 'webhook') {
	let reads = 0;
	const context = {
		getNode: () => ({ credentials: credentialId ? { webhookSigningSecretApi: { id: credentialId, name: 'signing' } } : undefined }),
		getWorkflow: () => ({ id: workflowId }),
		getMode: () => mode,
		getCredentials: async () => {
			const answer = answers[Math.min(reads++, answers.length - 1)];
			if (answer instanceof Error) throw answer;
			return answer;
		},
	} as unknown as Pick<IWebhookFunctions, 'getCredentials' | 'getNode' | 'getMode' | 'getWorkflow'>;
	return { context, reads: () => reads };
}

describe('CredentialCache', () => {
	let clock = 0;
	const cache = () => new CredentialCache(1_000, () => clock);
	beforeEach(() => {
		clock = 0;
	});

	it('reads a credential once for requests within the reuse time, concurrent ones included', async () => {
		const credentials = cache();
		const { context, reads } = contextWith('c1', [{ secret: 'one' }]);
		const first = await Promise.all([
			credentials.get(context, 'webhookSigningSecretApi'),
			credentials.get(context, 'webhookSigningSecretApi'),
		]);
		clock = 999;
		const later = await credentials.get(context, 'webhookSigningSecretApi');
		expect([...first, later]).toEqual([{ secret: 'one' }, { secret: 'one' }, { secret: 'one' }]);
		expect(reads()).toBe(1);
	});

	it('reads again once the reuse time has passed, so an edited credential takes effect', async () => {
		const credentials = cache();
		const { context, reads } = contextWith('c1', [{ secret: 'old' }, { secret: 'new' }]);
		expect(await credentials.get(context, 'webhookSigningSecretApi')).toEqual({ secret: 'old' });
		clock = 1_000;
		expect(await credentials.get(context, 'webhookSigningSecretApi')).toEqual({ secret: 'new' });
		expect(reads()).toBe(2);
	});

	it('keeps no failed read', async () => {
		const credentials = cache();
		const { context, reads } = contextWith('c1', [new Error('Credential not found'), { secret: 'back' }]);
		await expect(credentials.get(context, 'webhookSigningSecretApi')).rejects.toThrow('Credential not found');
		expect(await credentials.get(context, 'webhookSigningSecretApi')).toEqual({ secret: 'back' });
		expect(reads()).toBe(2);
	});

	it('keeps credentials apart by id, and asks n8n every time when the node names no credential id', async () => {
		const credentials = cache();
		const a = contextWith('a', [{ secret: 'a' }]);
		const b = contextWith('b', [{ secret: 'b' }]);
		expect(await credentials.get(a.context, 'webhookSigningSecretApi')).toEqual({ secret: 'a' });
		expect(await credentials.get(b.context, 'webhookSigningSecretApi')).toEqual({ secret: 'b' });
		const none = contextWith(undefined, [{ secret: 'x' }]);
		await credentials.get(none.context, 'webhookSigningSecretApi');
		await credentials.get(none.context, 'webhookSigningSecretApi');
		expect(none.reads()).toBe(2);
	});

	it('shares a read only within one workflow and mode: n8n may resolve a credential per workflow and mode', async () => {
		const credentials = cache();
		const production = contextWith('c1', [{ secret: 'production' }]);
		const test = contextWith('c1', [{ secret: 'manual' }], 'wf1', 'manual');
		const other = contextWith('c1', [{ secret: 'other workflow' }], 'wf2');
		expect(await credentials.get(production.context, 'webhookSigningSecretApi')).toEqual({ secret: 'production' });
		expect(await credentials.get(test.context, 'webhookSigningSecretApi')).toEqual({ secret: 'manual' });
		expect(await credentials.get(other.context, 'webhookSigningSecretApi')).toEqual({ secret: 'other workflow' });
		expect([production.reads(), test.reads(), other.reads()]).toEqual([1, 1, 1]);
	});
});
