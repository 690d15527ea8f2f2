/**
 * A CRM's setup notice as n8n's editor shows it: a title, numbered steps on lines of their own, and an
 * optional closing sentence. n8n renders notices as HTML and keeps only <a>, <ul> and <li>, so the text is
 * escaped: a placeholder such as "<key>" stays visible instead of vanishing as an unknown tag.
 */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function setupSteps(title: string, steps: readonly string[], closing?: string): string {
	const items = steps.map((step, index) => `<li>${index + 1}. ${escapeHtml(step)}</li>`).join('');
	return `${escapeHtml(title)}:<ul>${items}</ul>${closing ? escapeHtml(closing) : ''}`;
}
