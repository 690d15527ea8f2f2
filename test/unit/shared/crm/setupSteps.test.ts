import { setupSteps } from '../../../../nodes/shared/crm/setupSteps';

describe('setupSteps', () => {
	it('lists the steps in order, one list item each, after the title, then the closing sentence and where this URL is', () => {
		expect(setupSteps('SalesOS webhook', ['Open Settings > Webhooks.', 'Paste this URL.'], 'Repeats are dropped.')).toBe(
			'SalesOS webhook:<ul><li>Open Settings > Webhooks.</li><li>Paste this URL.</li></ul>Repeats are dropped. This URL: the Production URL under Webhook URLs, at the top of Parameters (the Test URL while you test here).',
		);
	});

	it('escapes text n8n would read as HTML, so a <key> placeholder stays visible', () => {
		const notice = setupSteps('Header & key', ['Add the header X-Api-Key: <key>.']);
		expect(notice).toMatch(/^Header &amp; key:<ul><li>Add the header X-Api-Key: &lt;key>.<\/li><\/ul>This URL: /);
		expect(notice.replace(/<\/?(ul|li)>/g, '')).not.toMatch(/<[^>]*>/);
	});
});
