// @ts-check
/**
 * The demo credentials the examples use, as `npm start` imports them. n8n's editor fills a new
 * node's credential with the most recently updated credential of the type (editor-ui
 * useCanvasOperations: the reduce over updatedAt), so the examples are stamped with a date long
 * past: any credential the user creates is newer and wins.
 */
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLE_TIMESTAMP = '2000-01-01T00:00:00.000Z';

/** @param {string} file @returns {Array<Record<string, unknown> & { id: string }>} */
function exampleCredentials(file) {
	if (!fs.existsSync(file)) return [];
	/** @type {Array<Record<string, unknown> & { id: string }>} */
	const credentials = JSON.parse(fs.readFileSync(file, 'utf8'));
	return credentials.map((credential) => ({ ...credential, createdAt: EXAMPLE_TIMESTAMP, updatedAt: EXAMPLE_TIMESTAMP }));
}

module.exports = {
	EXAMPLE_TIMESTAMP,
	exampleCredentials,
	EXAMPLE_CREDENTIALS_FILE: path.join(__dirname, '..', '..', 'examples', 'credentials.json'),
};
