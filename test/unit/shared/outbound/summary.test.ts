import { summarizeRun } from '../../../../nodes/shared/outbound/summary';

describe('summarizeRun', () => {
	it('counts delivered, waiting and failed items', () => {
		expect(summarizeRun({ delivered: 3, retryLater: 0, failed: 0 })).toEqual({
			message: 'Outbound Webhook: 3 delivered, 0 waiting in Retry Later, 0 failed.',
			type: 'info',
		});
		expect(summarizeRun({ delivered: 1, retryLater: 1, failed: 0 }).type).toBe('warning');
	});

	it('says how many items failed because no Retry Later branch would bring them back', () => {
		const hint = summarizeRun({ delivered: 0, retryLater: 0, failed: 2 }, { notRetriedLater: 2 });
		expect(hint.message).toContain('Nothing is connected to the Retry Later output, so 2 items failed instead of waiting to be sent again');
		expect(summarizeRun({ delivered: 0, retryLater: 2, failed: 0 }, { notRetriedLater: 0 }).message).not.toContain('Nothing is connected');
	});

	it('says that a manual run made one attempt of the several a published run makes', () => {
		expect(summarizeRun({ delivered: 0, retryLater: 0, failed: 1 }, { manualRunOf: 5 }).message).toMatch(
			/published runs make up to 5 \(Retry Policy\)\.$/,
		);
		expect(summarizeRun({ delivered: 0, retryLater: 0, failed: 1 }, { manualRunOf: 1 }).message).not.toContain('manual');
		expect(summarizeRun({ delivered: 1, retryLater: 0, failed: 0 }, { manualRunOf: 5 }).message).not.toContain('manual');
	});
});
