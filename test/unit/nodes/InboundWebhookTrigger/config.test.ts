import { readConfig } from '../../../../nodes/InboundWebhookTrigger/config';

const HOUR = 3600;
const configWith = (parameters: Record<string, unknown>) =>
	readConfig({ getNodeParameter: (name: string, fallback?: unknown) => parameters[name] ?? fallback });

describe('Inbound Webhook Trigger readConfig: Remember Events For', () => {
	it('remembers ids for the hours set, 24 by default', () => {
		expect(configWith({ deduplicate: true }).inbound.dedupe?.windowSeconds).toBe(24 * HOUR);
		expect(configWith({ deduplicate: true, dedupeWindowHours: 2 }).inbound.dedupe?.windowSeconds).toBe(2 * HOUR);
	});

	it('keeps the window within 36 s and 10 years, whatever an expression or an imported workflow says', () => {
		expect(configWith({ deduplicate: true, dedupeWindowHours: 1e10 }).inbound.dedupe?.windowSeconds).toBe(87_600 * HOUR);
		expect(configWith({ deduplicate: true, dedupeWindowHours: 0 }).inbound.dedupe?.windowSeconds).toBe(36);
	});

	it('reads hours an expression gives as text, and the default for a value that is no number', () => {
		expect(configWith({ deduplicate: true, dedupeWindowHours: '48' }).inbound.dedupe?.windowSeconds).toBe(48 * HOUR);
		expect(configWith({ deduplicate: true, dedupeWindowHours: 'soon' }).inbound.dedupe?.windowSeconds).toBe(24 * HOUR);
		expect(configWith({ deduplicate: true, dedupeWindowHours: null }).inbound.dedupe?.windowSeconds).toBe(24 * HOUR);
	});
});
