import type { CodegenConfig } from '@graphql-codegen/cli';
import { SCALARS } from './scalars.js';

/**
 * Types for the example client, from the printed schema. `strictScalars`
 * makes codegen stop on a scalar without a mapping, so a new scalar cannot
 * slip into client types as `any` or `unknown`.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'examples/operations.graphql',
  generates: {
    'examples/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-operations', 'typed-document-node'],
      config: {
        strictScalars: true,
        scalars: SCALARS,
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
    'examples/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
};

export default config;
