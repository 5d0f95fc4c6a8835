import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.rehearsal/**', 'templates/**/*.mjs', 'scripts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // The core never imports UI: ../shared/DESIGN.md ("Core without UI"; the design notes sit
    // beside the repository, not in it). At any depth, and in every program folder.
    files: [
      'sandbox/**/*.{ts,tsx}',
      'proxy/**/*.{ts,tsx}',
      'idp/**/*.{ts,tsx}',
      'collector/**/*.{ts,tsx}',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react/*', 'ink', 'ink-*'], message: 'The core never imports UI.' },
            { regex: '^(\\.\\./)+cli/', message: 'The core never imports cli/.' },
          ],
        },
      ],
    },
  },
  {
    // The programs of the runtime image run without the CLI's core: they never import sandbox/.
    files: ['proxy/**/*.{ts,tsx}', 'idp/**/*.{ts,tsx}', 'collector/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react/*', 'ink', 'ink-*'], message: 'The core never imports UI.' },
            {
              regex: '^(\\.\\./)+(cli|sandbox)/',
              message: 'A runtime program imports base/, never cli/ or sandbox/.',
            },
          ],
        },
      ],
    },
  },
  {
    // base/ is the lowest layer: what the runtime programs and the CLI share. It imports nothing
    // of the project.
    files: ['base/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(cli|sandbox|proxy|idp|collector|templates)/',
              message: 'base/ is the lowest layer: it imports nothing of the project.',
            },
          ],
        },
      ],
    },
  },
);
