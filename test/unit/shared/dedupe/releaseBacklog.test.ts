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

	it('is busy while one store sends; a drain meanwhile waits for that sending and leaves the rest to its caller', async () => {
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
		// The first sending fails: what it held is kept, and the waiting drain returns without sending.
		first.answers[0](true);
		await Promise.all([sending, waiting]);
		expect(second.batches).toEqual([]);
		expect([backlog.size, backlog.busy]).toEqual([1, true]);
		// A later drain sends it, ahead of what was kept since.
		backlog.add({ keys: ['k2'], token: 't2' });
		const third = controlledSender();
		const last = backlog.drain(third.send);
		third.answers[0]();
		await last;
		expect(third.batches).toEqual([
			[
				{ keys: ['k1'], token: 't1' },
				{ keys: ['k2'], token: 't2' },
			],
		]);
		expect(backlog.busy).toBe(false);
	});

	it('is one backlog per store settings, so a store opened again finds what its predecessor kept', () => {
		backlogFor('settings-a').add({ keys: ['k'], token: 't' });
		expect(backlogFor('settings-a').size).toBe(1);
		expect(backlogFor('settings-b')).not.toBe(backlogFor('settings-a'));
	});
});
