// Stands in for `use-sync-external-store/shim` (react-i18next imports it to support React 17): on
// React 18 and later the shim hands over to React's own hook, so the web build uses that directly
// and leaves the shim's CommonJS out of every page (issue 14, docs/decisions/020).
export { useSyncExternalStore } from 'react';
