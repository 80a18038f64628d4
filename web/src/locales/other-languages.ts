/**
 * Every language but German, one chunk per language and namespace, fetched on first use. This map
 * is itself loaded only once a visitor's language is not German (lib/i18n.ts): its entries, a few
 * dozen bytes per namespace and language, would otherwise be in every first download, and each
 * language added for citizens would cost the door page's budget (issue 14) about half a kilobyte.
 */
const bundles = import.meta.glob<{ default: Record<string, unknown> }>(['./*/*.json', '!./de/*.json']);

export default bundles;
