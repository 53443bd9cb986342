// The lint gate (`npm run lint`, part of `npm test`): type-aware rules that catch what tsc does not —
// above all promises nobody awaits, and promises handed to places that ignore them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'test-artifacts/**', 'ha-integration/**/*.py', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // Node code and browser code are checked against their own tsconfig (separate libs and types).
        project: ['./tsconfig.json', './tsconfig.browser.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      // tsc's noUnusedLocals / noUnusedParameters own this.
      '@typescript-eslint/no-unused-vars': 'off',
      'no-unused-vars': 'off',
      // TypeScript checks names; these core rules misread types and globals.
      'no-undef': 'off',
      'no-redeclare': 'off',
    },
  },
);
