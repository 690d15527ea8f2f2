import { deliveryMessage } from '../../../../nodes/shared/outbound/deliveryRecord';

describe('deliveryMessage', () => {
	const base = { finalStatusCode: 200, attemptCount: 1 };

	it('says a delivery succeeded with its status code and attempts', () => {
		expect(deliveryMessage({ ...base, status: 'delivered' })).toBe('Delivered: 200 after 1 attempt');
		expect(deliveryMessage({ ...base, status: 'delivered', attemptCount: 3 })).toBe('Delivered: 200 after 3 attempts');
	});

	it('gives the reason of a failure from the error, or the last answer without one', () => {
		const error = { message: '400 Bad Request: the receiver refused the body' };
		expect(deliveryMessage({ ...base, status: 'failed', finalStatusCode: 400, attemptCount: 2 }, error as never)).toBe(
			'Failed after 2 attempts: 400 Bad Request: the receiver refused the body',
		);
		expect(deliveryMessage({ ...base, status: 'failed', finalStatusCode: 500, attemptCount: 5 })).toBe(
			'Failed after 5 attempts: answered 500',
		);
	});

	it('says a job that never sent failed before sending', () => {
		const error = { message: 'URL: "ftp://x" is not http or https' };
		expect(deliveryMessage({ ...base, status: 'failed', finalStatusCode: null, attemptCount: 0 }, error as never)).toBe(
			'Failed before sending: URL: "ftp://x" is not http or https',
		);
	});

	it('gives the time of the next attempt for an item waiting to retry', () => {
		const message = deliveryMessage({
			status: 'retry_later',
			finalStatusCode: null,
			attemptCount: 1,
			nextAttemptAt: '2026-12-05T10:00:00.000Z',
		});
		expect(message).toBe('Waiting to retry at 2026-12-05T10:00:00.000Z after 1 attempt: no answer');
	});
});
