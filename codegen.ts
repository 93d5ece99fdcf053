import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the GraphQL tests (and any TypeScript client): `graphql(...)` in test files is
// checked against schema/schema.graphql. Regenerate with `npm run generate`.
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown', Upload: 'File' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
