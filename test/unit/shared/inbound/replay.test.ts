import { DEFAULT_REPLAY_WINDOW_SECONDS, checkReplayWindow } from '../../../../nodes/shared/inbound/replay';

describe('replay window', () => {
	const now = 1_700_000_000;

	it('defaults to five minutes', () => {
		expect(DEFAULT_REPLAY_WINDOW_SECONDS).toBe(300);
	});

	it('accepts timestamps inside the window, both sides', () => {
		expect(checkReplayWindow(now - 300, 300, now)).toBeUndefined();
		expect(checkReplayWindow(now + 300, 300, now)).toBeUndefined();
	});

	it('refuses old and far-future timestamps with 401', () => {
		expect(checkReplayWindow(now - 301, 300, now)).toMatchObject({ status: 401, code: 'replayed' });
		expect(checkReplayWindow(now + 301, 300, now)).toMatchObject({ status: 401, code: 'replayed' });
	});

	it('has nothing to check without a signed timestamp, or with the window off', () => {
		expect(checkReplayWindow(undefined, 300, now)).toBeUndefined();
		expect(checkReplayWindow(now - 10_000, 0, now)).toBeUndefined();
	});
});
