// n8n's community-node lint, modelled on @n8n/node-cli's own eslint config: eslint-plugin-n8n-nodes-base
// (community, nodes, credentials) and @n8n/eslint-plugin-community-nodes. `npm run lint` allows no warnings.
import js from '@eslint/js';
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const community = communityNodes.configs.recommendedWithoutN8nCloudSupport;
const communityRules = {
	...community.rules,
	// n8n Cloud-only: forbids runtime dependencies, and this package deliberately uses xml2js, jsonpath-plus,
	// xpath/@xmldom and ipaddr.js. The package scanner reports n8n Cloud eligibility on its own line instead.
	'@n8n/community-nodes/no-runtime-dependencies': 'off',
};

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'docs/**', 'bench/results/**'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
	},
	{
		// What ships to users; tests hold published signature vectors that would read as hard-coded secrets.
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		plugins: community.plugins,
		rules: communityRules,
	},
	{
		files: ['package.json'],
		plugins: community.plugins,
		rules: { ...communityRules, ...n8nNodesBase.configs.community.rules },
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// Tests, harness and benchmarks print progress and tables.
		files: ['test/**', 'bench/**'],
		rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
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
