import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { InboundWebhookTrigger } from '../../../../nodes/InboundWebhookTrigger/InboundWebhookTrigger.node';

const ROOT = path.resolve(__dirname, '../../../..');

it('points the Respond to Webhook notice at an example the npm package ships, holding a version 1 node', () => {
	const notice = new InboundWebhookTrigger().description.properties.find((property) => property.name === 'respondToWebhookNotice');
	const file = /examples\/[\w-]+\.json/.exec(notice?.displayName ?? '')?.[0];
	expect(file).toBe('examples/stand-in-receivers.json');
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
	) as Array<{
		files: Array<{ path: string }>;
	}>;
	const paths = packed[0].files.map((entry) => entry.path);
	expect(paths).toContain(file);
	expect(paths).not.toContain('examples/credentials.json');
	const example = JSON.parse(fs.readFileSync(path.join(ROOT, file as string), 'utf8')) as {
		nodes: Array<{ type: string; typeVersion: number }>;
	};
	expect(example.nodes.filter((node) => node.type === 'n8n-nodes-base.respondToWebhook').map((node) => node.typeVersion)).toContain(1);
});
