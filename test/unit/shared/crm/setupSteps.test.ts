import { setupSteps } from '../../../../nodes/shared/crm/setupSteps';

describe('setupSteps', () => {
	it('numbers the steps, one list item each, after the title and before the closing sentence', () => {
		expect(setupSteps('SalesOS webhook', ['Open Settings > Webhooks.', 'Paste this URL.'], 'Repeats are dropped.')).toBe(
			'SalesOS webhook:<ul><li>1. Open Settings > Webhooks.</li><li>2. Paste this URL.</li></ul>Repeats are dropped.',
		);
	});

	it('escapes text n8n would read as HTML, so a <key> placeholder stays visible', () => {
		const notice = setupSteps('Header & key', ['Add the header X-Api-Key: <key>.']);
		expect(notice).toBe('Header &amp; key:<ul><li>1. Add the header X-Api-Key: &lt;key>.</li></ul>');
		expect(notice.replace(/<\/?(ul|li)>/g, '')).not.toMatch(/<[^>]*>/);
	});
});
