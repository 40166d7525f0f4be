// @ts-check
import js from '@eslint/js';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Imports that would point a layer upwards, per layer (see README, "Code layout"). */
const UPWARD = {
  modulesGraphql: { group: ['**/modules/**', '**/graphql/**', '**/http/**'], message: 'infra/ and lib/ sit below the domain: they never import modules/, graphql/ or http/.' },
  root: { group: ['**/deps.js', '**/app.js', '**/main.js', '**/jobs.js', '**/events.js'], message: 'Only the top of the program imports the composition root and its registries.' },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'src/generated/', 'examples/generated/', 'coverage/'] },
  {
    // The printed schema, as clients see it: descriptions everywhere, naming, and Relay's connection rules.
    files: ['schema.graphql'],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: 'schema.graphql' } } },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      ...graphqlPlugin.configs['flat/schema-recommended'].rules,
      ...graphqlPlugin.configs['flat/schema-relay'].rules,
      '@graphql-eslint/require-description': [
        'error',
        { types: true, rootField: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true, DirectiveDefinition: true },
      ],
      // Value objects (payloads, breakdowns, settings) are not entities; the types clients cache are Nodes
      // (test/graphql/node-ids.test.ts).
      '@graphql-eslint/strict-id-in-types': 'off',
      // `Standings.standings` is public API older than this rule; renaming it would break clients.
      '@graphql-eslint/no-typename-prefix': 'off',
      // Plain lists of values (entries, runs, weights) are fine; connections must still use edge types.
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false }],
    },
  },
  { ...js.configs.recommended, files: ['**/*.{js,mjs,cjs,ts}'] },
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.{js,mjs,cjs,ts}'] })),
  // import-x reads .ts files (extensions, parser) only with its TypeScript preset.
  { ...importX.flatConfigs.typescript, files: ['**/*.{js,mjs,cjs,ts}'] },
  {
    files: ['**/*.{js,mjs,cjs,ts}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // Resolves `./x.js` to `x.ts` as TypeScript does, so the cycle rule sees every edge.
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-duplicates': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    files: ['src/infra/**/*.ts', 'src/lib/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [UPWARD.modulesGraphql, UPWARD.root] }] },
  },
  {
    files: ['src/modules/**/*.ts', 'src/graphql/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [UPWARD.root] }] },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            UPWARD.root,
            { group: ['**/http/**', '**/graphql/schema.js', '**/graphql/yoga.js'], message: 'Modules are below the server: they never import http/ or the assembled schema.' },
            // `../other/anything.js` except `../other/index.js`: modules meet through their public surface.
            { regex: '^\\.\\./(?!\\.)[^/]+/(?!index\\.js$)', message: "Import another module only through its index.ts." },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read the time from deps.now(), so tests can move the clock.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Read the time from deps.now(), so tests can move the clock.' },
      ],
    },
  },
  {
    // Tests read GraphQL responses as loosely typed JSON; asserting on them is the point.
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // Plain JavaScript (this file, scripts/*.mjs) has no types to check; it runs on Node.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
