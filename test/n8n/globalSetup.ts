import { prepareRuntime } from './harness';

/** Once per e2e/reliability run: install (or reuse) n8n, pack the package, prepare a template user folder. */
export default async function globalSetup(): Promise<void> {
	await prepareRuntime();
}
