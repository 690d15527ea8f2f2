/**
 * Sends one GET with the transport and prints the outcome as JSON. The transport test runs it in a
 * child process started with NODE_EXTRA_CA_CERTS (Node reads it only at start-up), so the loopback
 * https:// proxy's test certificate is trusted the way an administrator would trust a proxy's CA.
 */
import { destroyAgents, request } from '../../../nodes/shared/outbound/transport';

const [url, env] = [process.argv[2], JSON.parse(process.argv[3]) as Record<string, string>];

request({ method: 'GET', url: new URL(url), env, timeoutMs: 10_000 })
	.then(
		(response) => ({ status: response.statusCode, body: response.body.toString() }),
		(error: { code?: string; message?: string }) => ({ code: error.code, message: error.message }),
	)
	.then((outcome) => {
		process.stdout.write(JSON.stringify(outcome));
		destroyAgents();
	});
