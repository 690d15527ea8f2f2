// n8n's own community-node lint, as `n8n-node lint` runs it: @n8n/node-cli's config (eslint-plugin-n8n-nodes-base for
// nodes, credentials and package.json, @n8n/eslint-plugin-community-nodes, import-x). Below it, only what this
// repository adds: tests and benchmarks, plain JavaScript files, and the runtime dependencies it deliberately has.
// `npm run lint` allows no warnings.
import js from '@eslint/js';
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	configWithoutCloudSupport,
	{ ignores: ['docs/**', 'bench/results/**', 'coverage/**'] },
	{
		files: ['**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
	{
		// n8n Cloud only: forbids runtime dependencies; this package deliberately uses sax, ipaddr.js, pg, ioredis and
		// others. The package scanner reports n8n Cloud eligibility on its own line instead.
		files: ['**/*.ts', 'package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		// Tests, harness and benchmarks are not shipped: they print progress and tables, start n8n and PostgreSQL as
		// child processes, rethrow plain errors, and hold published signature vectors that the community rules would
		// read as hard-coded secrets.
		files: ['test/**', 'bench/**'],
		rules: {
			'no-console': 'off',
			'@typescript-eslint/no-require-imports': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		files: ['**/*.js', '**/*.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { globals: { ...globals.node } },
		rules: {
			'@typescript-eslint/no-require-imports': 'off',
			'no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
);
