import { NodeHelpers } from 'n8n-workflow';

import { CrmEventTrigger } from '../../../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { CRM_PROFILES } from '../../../../nodes/shared/crm';

describe('CRM setup notices', () => {
	// n8n renders a notice as HTML: "X-Api-Key: <key>" showed as "X-Api-Key:".
	const hints = CRM_PROFILES.flatMap((profile) =>
		[profile.setupHint, ...(profile.setupPaths ?? []).map((path) => path.hint)].map((hint) => [profile.displayName, hint]),
	);

	// n8n's notices keep <a>, <ul> and <li> and drop every other tag with its meaning.
	it.each(hints)('%s: has no text n8n would read as an HTML tag, other than a list of steps', (_name, hint) => {
		expect(hint.replace(/<\/?(ul|li)>/g, '')).not.toMatch(/<[^>]*>/);
	});

	it.each(hints)('%s: is a title, steps one per line with no number beside n8n’s bullet, and where this URL is', (_name, hint) => {
		expect(hint).toMatch(/^[^<]+:<ul><li>[^<]+<\/li>/);
		expect(hint).not.toMatch(/<li>\d+\. /);
		expect(hint).toMatch(/This URL: the Production URL under Webhook URLs, at the top of Parameters/);
	});
});

const { properties } = new CrmEventTrigger().description;
/** The setup notices the node panel shows for a CRM and Authentication, as n8n decides what to display. */
const shownNotices = (crm: string, authentication: string) =>
	properties
		.filter((property) => property.type === 'notice' && property.name.startsWith('setupNotice_'))
		.filter((property) => NodeHelpers.displayParameter({ crm, authentication }, property, { typeVersion: 1 }, { properties } as never))
		.map((property) => property.displayName);

describe('Freshsales setup notices', () => {
	const shown = (authentication: string) => shownNotices('freshsales', authentication);

	it('shows the Basic or the header-key path, never both, and keeps a <key> placeholder visible', () => {
		expect(shown('basicAuth').map((notice) => notice.split('<ul>')[0])).toEqual(['Freshsales workflow, Basic authentication:']);
		expect(shown('apiKey').map((notice) => notice.split('<ul>')[0])).toEqual(['Freshsales workflow, header key:']);
		expect(shown('apiKey')[0]).toContain('X-Api-Key: &lt;key>');
	});
});

describe('HighLevel setup notices', () => {
	const shown = (authentication: string) => shownNotices('highLevel', authentication).map((notice) => notice.split('<ul>')[0]);

	it('shows one setup path at a time, the one the chosen Authentication belongs to', () => {
		expect(shown('builtIn')).toEqual(['Marketplace app:']);
		expect(shown('bearerToken')).toEqual(['Workflow Webhook action (Automation > Workflows):']);
		expect(shown('signingSecret')).toEqual(['Workflow Webhook action (Automation > Workflows):']);
	});
});
