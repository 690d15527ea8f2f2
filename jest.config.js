/**
 * Projects, so each command runs only what it promises:
 * - unit:        pure modules, node handlers and loopback HTTP integration tests (`npm test`)
 * - e2e:         scenarios in a real n8n started by test/n8n (`npm run test:e2e`)
 * - reliability: fault, load, hostile-input and restart suites in real n8n (`npm run test:reliability`)
 * - editor:      what a person sees in n8n's editor, driven in Debian's Chromium (`npm run test:editor`)
 * - queue:       n8n in queue mode: main, webhook processors, workers, PostgreSQL, Redis (`npm run test:queue`)
 */
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

module.exports = {
	projects: [
		{
			displayName: 'unit',
			transform: tsJest,
			testEnvironment: 'node',
			testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'],
		},
		{
			displayName: 'e2e',
			transform: tsJest,
			testEnvironment: 'node',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			globalSetup: '<rootDir>/test/n8n/globalSetup.ts',
		},
		{
			displayName: 'reliability',
			transform: tsJest,
			testEnvironment: 'node',
			testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
			globalSetup: '<rootDir>/test/n8n/globalSetup.ts',
		},
		{
			displayName: 'editor',
			transform: tsJest,
			testEnvironment: 'node',
			testMatch: ['<rootDir>/test/editor/**/*.test.ts'],
			globalSetup: '<rootDir>/test/n8n/globalSetup.ts',
		},
		{
			displayName: 'queue',
			transform: tsJest,
			testEnvironment: 'node',
			testMatch: ['<rootDir>/test/queue/**/*.test.ts'],
			globalSetup: '<rootDir>/test/n8n/globalSetup.ts',
		},
	],
};
