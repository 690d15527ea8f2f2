import { testStoreConnection } from '../dedupe/connectionTest';
import { DEDUPE_CREDENTIAL_TYPES, storeConnectionOf } from '../dedupe/connection';
import { credentialTestFor } from './credentialTests';

/**
 * The test of both dedupe store credentials (`testedBy: 'dedupeStoreCredentialTest'`): it connects
 * with the values, as a request would, and names the field to fix (Host/Port, Password, Database,
 * TLS/SSL, Table …).
 */
export const dedupeStoreCredentialTest = credentialTestFor(DEDUPE_CREDENTIAL_TYPES, async (kind, data) => {
	const result = await testStoreConnection(storeConnectionOf(kind, data));
	return { status: result.ok ? 'OK' : 'Error', message: result.message };
});
