import type { Release } from '../../../../nodes/shared/dedupe/releaseBacklog';
import { backlogFor, ReleaseBacklog } from '../../../../nodes/shared/dedupe/releaseBacklog';

/** A sender that records what it was given and answers when told. */
function controlledSender() {
	const batches: Release[][] = [];
	const answers: Array<(failed?: boolean) => void> = [];
	const send = async (releases: Release[]) => {
		batches.push(releases);
		await new Promise<void>((resolve, reject) => answers.push((failed) => (failed ? reject(new Error('down')) : resolve())));
	};
	return { batches, answers, send };
}

describe('ReleaseBacklog', () => {
	it('sends every kept give-back in one batch, and keeps the newest 1,000', async () => {
		const backlog = new ReleaseBacklog();
		for (let index = 0; index < 1_005; index++) backlog.add({ keys: [`k${index}`], token: `t${index}` });
		expect(backlog.size).toBe(1_000);
		const sent: Release[][] = [];
		await backlog.drain(async (releases) => void sent.push(releases));
		expect(sent).toHaveLength(1);
		expect(sent[0][0]).toEqual({ keys: ['k5'], token: 't5' });
		expect(sent[0].at(-1)).toEqual({ keys: ['k1004'], token: 't1004' });
		expect([backlog.size, backlog.busy]).toEqual([0, false]);
	});

	it('keeps what a failed sending held, for the next try', async () => {
		const backlog = new ReleaseBacklog();
		backlog.add({ keys: ['k'], token: 't' });
		await backlog.drain(async () => {
			throw new Error('server down');
		});
		expect(backlog.size).toBe(1);
	});

	it('is busy while another store sends, and a second drain waits for that sending instead of overtaking it', async () => {
		const backlog = new ReleaseBacklog();
		backlog.add({ keys: ['k1'], token: 't1' });
		const first = controlledSender();
		const sending = backlog.drain(first.send);
		expect([backlog.size, backlog.busy]).toEqual([0, true]);
		const second = controlledSender();
		let secondDone = false;
		const waiting = backlog.drain(second.send).then(() => (secondDone = true));
		await Promise.resolve();
		expect(secondDone).toBe(false);
		// The first sending fails: the second store sends what it held.
		first.answers[0](true);
		await sending;
		await new Promise((resolve) => setImmediate(resolve));
		expect(second.batches).toEqual([[{ keys: ['k1'], token: 't1' }]]);
		second.answers[0]();
		await waiting;
		expect([backlog.size, backlog.busy]).toEqual([0, false]);
	});

	it('is one backlog per store settings, so a store opened again finds what its predecessor kept', () => {
		backlogFor('settings-a').add({ keys: ['k'], token: 't' });
		expect(backlogFor('settings-a').size).toBe(1);
		expect(backlogFor('settings-b')).not.toBe(backlogFor('settings-a'));
	});
});
