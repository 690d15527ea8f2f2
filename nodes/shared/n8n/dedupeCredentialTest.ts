import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { testStoreConnection } from '../dedupe/connectionTest';
import { DEDUPE_CREDENTIAL_TYPES, storeSettingsOf } from '../dedupe/settings';

const KIND_BY_TYPE: Record<string, 'redis' | 'postgres'> = {
	[DEDUPE_CREDENTIAL_TYPES.redis]: 'redis',
	[DEDUPE_CREDENTIAL_TYPES.postgres]: 'postgres',
};

/**
 * The test of both dedupe store credentials (`testedBy: 'dedupeStoreCredentialTest'`): it connects
 * with the values, as a request would, and names the field to fix (Host/Port, Password, Database,
 * TLS/SSL, Table …).
 */
export async function dedupeStoreCredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const kind = KIND_BY_TYPE[credential.type ?? ''];
	if (!kind) return { status: 'Error', message: `Unknown credential type ${credential.type}` };
	const result = await testStoreConnection(storeSettingsOf(kind, (credential.data ?? {}) as Record<string, unknown>));
	return { status: result.ok ? 'OK' : 'Error', message: result.message };
}
