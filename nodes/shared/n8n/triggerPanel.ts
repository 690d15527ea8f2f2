import type { TriggerPanelDefinition } from 'n8n-workflow';

/**
 * What the trigger panel says before and while it listens. n8n 2.41's editor prints "Make a POST
 * request to: <URL>" and opens the Webhook URLs block only for its own Webhook, Form and Chat
 * triggers (it checks the node type), so for these triggers the panel says where the URL, the
 * method and the header are, in words that fit every configuration.
 */
export function triggerPanel(sender: string, header: string): TriggerPanelDefinition {
	const where =
		`Click <b>Webhook URLs</b> at the top of <b>Parameters</b> and copy the <b>Test URL</b>; the method ${sender} must use stands beside it. ` +
		`${header} ` +
		'A refused or repeated request ends the test run here, saying why; a handshake or an event not chosen in Events is answered while this keeps listening.';
	return {
		header: `Send a test request from ${sender} to the Test URL`,
		executionsHelp: {
			inactive: `<b>To test:</b> click <b>Execute step</b>, then send one request to the Test URL. ${where}<br /><br /><b>To run for real:</b> publish the workflow and give ${sender} the <b>Production URL</b> instead. Those executions show in the executions list, not here.`,
			active: `<b>To test:</b> click <b>Execute step</b>, then send one request to the Test URL. ${where}<br /><br />The workflow is published: requests to the <b>Production URL</b> show in the <a data-key="executions">executions list</a>.`,
		},
		activationHint: `Once the test works, publish the workflow and give ${sender} the Production URL.`,
	};
}
