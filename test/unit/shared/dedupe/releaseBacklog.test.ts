import { backlogFor, ReleaseBacklog } from '../../../../nodes/shared/dedupe/releaseBacklog';

describe('ReleaseBacklog', () => {
	it('hands over every kept give-back once, and keeps the newest 1,000', () => {
		const backlog = new ReleaseBacklog();
		for (let index = 0; index < 1_005; index++) backlog.add({ keys: [`k${index}`], token: `t${index}` });
		expect(backlog.size).toBe(1_000);
		const taken = backlog.takeAll();
		expect(taken[0]).toEqual({ keys: ['k5'], token: 't5' });
		expect(taken.at(-1)).toEqual({ keys: ['k1004'], token: 't1004' });
		expect(backlog.size).toBe(0);
		expect(backlog.takeAll()).toEqual([]);
	});

	it('is one backlog per store settings, so a store opened again finds what its predecessor kept', () => {
		backlogFor('settings-a').add({ keys: ['k'], token: 't' });
		expect(backlogFor('settings-a').takeAll()).toEqual([{ keys: ['k'], token: 't' }]);
		expect(backlogFor('settings-b')).not.toBe(backlogFor('settings-a'));
	});
});
