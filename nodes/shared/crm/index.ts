/**
 * Every CRM profile, in the order the CRM selector shows them. Adding a CRM = adding its file and one line here.
 */
import { attio } from './attio';
import { close } from './close';
import { custom } from './custom';
import { dynamics } from './dynamics';
import { freshsales } from './freshsales';
import { highLevel } from './highLevel';
import { hubspot } from './hubspot';
import { leadSquared } from './leadSquared';
import { pipedrive } from './pipedrive';
import { salesforce } from './salesforce';
import { salesOs } from './salesOs';
import { standardWebhooks } from './standardWebhooks';
import type { CrmProfile } from './types';
import { vtiger } from './vtiger';
import { zoho } from './zoho';

export const CRM_PROFILES: readonly CrmProfile[] = [
	salesOs,
	leadSquared,
	freshsales,
	vtiger,
	highLevel,
	attio,
	close,
	hubspot,
	salesforce,
	pipedrive,
	zoho,
	dynamics,
	standardWebhooks,
	custom,
];

export function crmProfile(id: string): CrmProfile {
	const profile = CRM_PROFILES.find((candidate) => candidate.id === id);
	if (!profile) throw new Error(`Unknown CRM "${id}"`);
	return profile;
}

export * from './types';
export { crmAuthenticator, crmSecretHeaders } from './verify';
