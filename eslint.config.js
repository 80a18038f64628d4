import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import webLayers from './web/eslint/layers.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Configuration is read in one place only: server/src/config.ts (STYLE.md habit 1).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through server/src/config.ts.' },
      ],
    },
  },
  // A promise nobody awaits fails unseen, and in Node its rejection ends the process: an
  // unawaited rate limit let 31 requests take the server down (stop 28). Needs the types.
  {
    files: ['server/src/**/*.ts', 'web/src/**/*.{ts,tsx}', 'shared/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: [
      'server/src/config.ts',
      'web/vite.config.ts',
      'playwright.config.ts',
      'tests/**',
      'bench/**',
      '**/*.test.ts',
      'server/src/test/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // The browser and the shared schemas use zod/mini only, and the web client its own router: each
  // of zod's classic API and React Router would add 12–20 kB (gzip) to the door page, whose budget
  // is 120 kB (docs/decisions/020-the-door-page-under-120-kb.md). The server may use classic zod.
  {
    files: ['web/src/**/*.{ts,tsx}', 'shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: "Import from 'zod/mini' (docs/decisions/020)." },
            { name: 'zod/v4', message: "Import from 'zod/mini' (docs/decisions/020)." },
            { name: 'react-router', message: 'Use web/src/lib/router (docs/decisions/020).' },
          ],
        },
      ],
      // The web build takes every `z.…` call for pure, so an unused schema drops out of the door
      // page (web/vite.config.ts); a call made for its effect would drop out too.
      'no-restricted-properties': [
        'error',
        { object: 'z', property: 'config', message: "Call `config` imported from 'zod/mini' (docs/decisions/020)." },
        { object: 'z', property: 'globalRegistry', message: 'The web build drops `z.…` calls whose result is unused.' },
        { object: 'z', property: 'registry', message: 'The web build drops `z.…` calls whose result is unused.' },
      ],
    },
  },
  // A field's look comes from its type (`.field input[type='text']` in styles.css): an input without
  // one was 21 px high and thin-bordered beside every other field. One with a class of its own
  // (the kiosk's, a device's pairing code) is styled by it.
  {
    files: ['web/src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "JSXOpeningElement[name.name='input']:not(:has(JSXAttribute[name.name='type'])):not(:has(JSXAttribute[name.name='className']))",
          message: 'Give the input its type (type="text" for a text field), or a class of its own.',
        },
      ],
    },
  },
  // Web client layers (docs/decisions/010-web-layout.md): app → features → ui → lib, features
  // used through their index.ts only, and only downward along this table of who may use whom.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'amtsraum-web': webLayers },
    rules: {
      'amtsraum-web/layers': [
        'error',
        {
          root: 'web/src',
          features: {
            directory: [],
            admin: ['directory'], // a refused page asks the public directory whether what it names exists
            mailbox: [],
            audit: ['directory'], // a refused page asks whether its address names what exists
            security: [],
            offer: ['directory'],
            legal: ['directory'],
            accounts: ['directory'],
            absences: [],
            'identity-provider': ['directory'],
            devices: ['directory'],
            kiosk: ['devices'],
            display: ['devices'],
            invites: ['legal'], // the invitation page names its municipality for the footer's legal links
            visits: ['directory'],
            appointments: ['directory', 'legal'], // an appointment's pages name their municipality for the footer's legal links
            calls: ['directory', 'visits'],
            console: ['directory', 'appointments', 'invites', 'calls', 'security'],
          },
        },
      ],
    },
  },
);
