// The console's loaders that a citizen's first download needs, apart from index.ts (whose pages'
// entries only staff pages load: app/staff-pages.tsx), so the call route carries one loader, not
// the console's pages (issue 14; the layers rule in web/eslint/layers.js allows this file).

/** The clerk's tools in a call, loaded with the call page: not in every page's first download. */
export const loadClerkCallTools = () => import('./clerk-call-tools').then((m) => m.clerkCallTools);
