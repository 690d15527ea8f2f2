/**
 * A CRM's setup notice as n8n's editor shows it: a title, the steps in order as list items (n8n draws each with a
 * bullet, so they carry no number of their own), an optional closing sentence, and where "this URL" is. n8n
 * renders notices as HTML and keeps only <a>, <ul> and <li>, so the text is escaped: a placeholder such as "<key>"
 * stays visible instead of vanishing as an unknown tag.
 */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** "This URL" in the steps: n8n shows it above the parameters, folded, and the Test URL is not the one to give. */
const THIS_URL = 'This URL: the Production URL under Webhook URLs, at the top of Parameters (the Test URL while you test here).';

export function setupSteps(title: string, steps: readonly string[], closing?: string): string {
	const items = steps.map((step) => `<li>${escapeHtml(step)}</li>`).join('');
	return `${escapeHtml(title)}:<ul>${items}</ul>${closing ? `${escapeHtml(closing)} ` : ''}${THIS_URL}`;
}
