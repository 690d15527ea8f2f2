import type { OutboundConfigError } from '../../../../nodes/shared/outbound/errors';
import { batchKey, itemKey } from '../../../../nodes/OutboundWebhook/idempotencyKeys';
import { readConfig } from '../../../../nodes/OutboundWebhook/config';
import { readRun } from '../../../../nodes/OutboundWebhook/runInputs';
import { fakeContext } from '../../../integration/outbound/fakeContext';

const DERIVED = /^msg_[0-9a-f]{32}$/;

async function runOf(parameters: Record<string, unknown> = {}, executionId = 'exec-1') {
	const input = [{ json: {} }, { json: {} }, { json: {} }];
	const { context } = fakeContext({ method: 'POST', url: 'http://127.0.0.1:9/hook', ...parameters }, input, { executionId });
	return readRun(context, await readConfig(context));
}

const thrown = (action: () => unknown) => {
	try {
		action();
	} catch (error) {
		return error as OutboundConfigError;
	}
	throw new Error('expected an error');
};

describe('idempotency keys', () => {
	it('derives one key per item from the execution, so a re-run of the execution sends the same keys', async () => {
		const run = await runOf();
		const keys = [0, 1].map((index) => itemKey(run, index, []));
		expect(keys[0]).toMatch(DERIVED);
		expect(keys[1]).not.toBe(keys[0]);
		expect(itemKey(await runOf(), 0, [])).toBe(keys[0]);
		expect(itemKey(await runOf({}, 'exec-2'), 0, [])).not.toBe(keys[0]);
	});

	it('takes the user’s key from the option, or from a Custom Headers entry named like the idempotency header', async () => {
		expect(itemKey(await runOf({ options: { idempotencyKey: ' order-7 ' } }), 0, [])).toBe('order-7');
		expect(itemKey(await runOf(), 0, [{ name: 'idempotency-key', value: 'order-8' }])).toBe('order-8');
	});

	it('refuses a header key that differs from the option, and an empty or overlong key, naming the field', async () => {
		const both = await runOf({ options: { idempotencyKey: 'a' } });
		expect(thrown(() => itemKey(both, 0, [{ name: 'Idempotency-Key', value: 'b' }])).field).toBe('Custom Headers');
		expect(thrown(() => itemKey(both, 0, [{ name: 'Idempotency-Key', value: ' ' }])).field).toBe('Custom Headers');
		const long = await runOf({ options: { idempotencyKey: 'k'.repeat(256) } });
		expect(thrown(() => itemKey(long, 0, [])).message).toContain('longer than 255');
		const blank = await runOf({ options: { idempotencyKey: () => '  ' } });
		expect(thrown(() => itemKey(blank, 0, [])).message).toContain('empty');
	});

	it('gives a JSON Array request its items’ shared key, a hash of different keys, or one derived from the run', async () => {
		const run = await runOf();
		expect(batchKey(run, [0, 1], [])).toMatch(DERIVED);
		expect(batchKey(run, [0, 1], [{ name: 'Idempotency-Key', value: 'batch-1' }])).toBe('batch-1');
		const perItem = await runOf({ options: { idempotencyKey: (index: number) => `order-${index}` } });
		const mixed = batchKey(perItem, [0, 1], []);
		expect(mixed).toMatch(DERIVED);
		expect(batchKey(perItem, [0, 1], [])).toBe(mixed);
		expect(batchKey(perItem, [0, 2], [])).not.toBe(mixed);
	});
});
