import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config } from 'zod/mini';
import { App } from './app/App';
import { initI18n } from './lib/i18n';
import './styles.css';

// zod compiles parsers with `new Function` unless told not to; under our CSP (no
// 'unsafe-eval') even its probe for that is reported as a violation in the console. Called as
// `config`, not `z.config`: the build takes every `z.…` call for pure (vite.config.ts).
config({ jitless: true });
initI18n();

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
