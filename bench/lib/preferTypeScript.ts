/**
 * n8n's node files sit beside a codex of the same name (`OutboundWebhook.node.ts` and
 * `OutboundWebhook.node.json`), and Node tries `.json` before tsx's `.ts` when it resolves
 * `…/OutboundWebhook.node`. Sections that import a node class from source import this module first:
 * it moves `.json` after the TypeScript extensions for this process.
 */
import Module from 'node:module';

const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
const json = extensions['.json'];
delete extensions['.json'];
extensions['.json'] = json;
