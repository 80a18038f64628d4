import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
// With their extensions: Vite's coming native config loader (Node's own TypeScript) needs them.
import { precompress } from './vite/precompress.ts';
import { routeBudget } from './vite/route-budget.ts';

// In development the Vite server serves the client and hands /api and /ws to the app server;
// in production the app server serves the built files itself (one process, one port).
const apiTarget = `http://127.0.0.1:${process.env.AMTSRAUM_DEV_API_PORT ?? '3000'}`;

const de = (namespace: string) => `src/locales/de/${namespace}.json`;

/**
 * What each page loads before it is interactive (German, the default language): besides the
 * entry, its page's module and every translation namespace its lazy component waits for
 * (`lazyComponent(…, [namespaces])`; `common` and `directory` are in the first download).
 * `web/vite/route-budget.test.ts` checks each budgeted page lists all of its namespaces.
 */
// Staff pages wait for the chunk of them all first (app/staff-pages.tsx), the staff area's for its own too.
const STAFF_PAGES = 'src/app/staff-pages.tsx';
const STAFF_AREA = [STAFF_PAGES, 'src/app/StaffArea.tsx'];

export const PAGE_ROUTES: Record<string, string[]> = {
  home: ['src/features/directory/InstallationHomePage.tsx', de('legal')],
  tenant: ['src/features/directory/TenantPage.tsx', de('legal')],
  legal: ['src/features/legal/LegalPage.tsx', de('legal')],
  door: ['src/features/visits/KnockSection.tsx', de('visits')],
  // With the question before a link leaves, which the page waits for (WaitingRoomPage.tsx).
  waitingRoom: [
    'src/features/visits/WaitingRoomPage.tsx',
    'src/features/visits/LeaveQuestion.tsx',
    de('waiting'),
    de('moreErrors'),
  ],
  booking: ['src/features/appointments/BookingPage.tsx', de('appointments'), de('moreErrors')],
  manage: ['src/features/appointments/ManagePage.tsx', de('appointments'), de('moreErrors')],
  join: ['src/features/appointments/JoinPage.tsx', de('appointments'), de('moreErrors')],
  invite: ['src/features/invites/InvitePage.tsx', de('invites'), de('moreErrors')],
  staffLogin: ['src/features/console/StaffLoginPage.tsx', de('console'), de('moreErrors'), STAFF_PAGES],
  console: [
    'src/features/console/ConsolePage.tsx',
    de('console'),
    de('appointments'),
    de('invites'),
    de('moreErrors'),
    STAFF_PAGES,
  ],
  // The route's call waits for the clerk's tools' module too (app/routes.tsx), whoever opens it.
  call: ['src/features/calls/CallPage.tsx', 'src/features/console/clerk-call-tools.tsx', de('calls'), de('moreErrors')],
  callEnded: ['src/features/calls/CallEndedPage.tsx', de('calls'), de('moreErrors')],
  mailbox: ['src/features/mailbox/MailboxPage.tsx', de('mailbox'), de('moreErrors'), STAFF_PAGES],
  adminDepartment: [
    'src/features/admin/AdminDepartmentPage.tsx',
    de('admin'),
    de('collisions'),
    de('moreErrors'),
    ...STAFF_AREA,
  ],
  staffSecurity: ['src/features/security/StaffSecurityPage.tsx', de('security'), de('moreErrors'), ...STAFF_AREA],
  adminOffer: ['src/features/offer/pages.ts', de('offer'), de('collisions'), de('moreErrors'), ...STAFF_AREA],
  adminSignIn: [
    'src/features/identity-provider/IdentityProviderPage.tsx',
    de('identity-provider'),
    de('moreErrors'),
    ...STAFF_AREA,
  ],
  staffAbsences: ['src/features/absences/AbsencesPage.tsx', de('absences'), de('moreErrors'), ...STAFF_AREA],
};

// Issue 14: 120 kB. The door loads 119.7 kB: react-dom, react and scheduler 67,
// i18next with react-i18next 17, zod/mini 11, the app's own code 25 (docs/decisions/020). A change that
// goes over makes room elsewhere or loads lazily.
// Issue 15 added the administration: its routes (one lazy StaffArea entry for all staff and
// admin pages), their page table entries and error codes, the legal footer and a service's
// online link cost the door 0.7 kB (120.4 kB). Measured after each step since: the page's
// details following live, with the error texts only later pages meet moved to `moreErrors`,
// 120.3; the clerk's call tools loaded with the call, 120.2; German `errors` fetched beside
// the first download instead of in it, 119.4; the last two screens' page-table entries
// (adminSignIn, staffAbsences), 47 bytes more; one collision reader and choice for three
// features (kept out of the shared chunk) and their `collisions` namespace, 119.6; the staff
// pages' answer to a lost right or an ended session (ui/LostRight.tsx, kept out too), 119.7.
// Issue 16's foundation (page table entries, error codes): 120.3. Then, in one go (decision
// 020, addendum): unused zod schemas tree-shaken (the error code list with them), 119.7;
// German's first-page namespaces out of the locale glob, 119.5; hidden sourcemaps, 119.3;
// the shared schema helpers pure too, 118.6; translations without named exports, a shorter
// glob key, and lib/calendar.ts and lib/session-ended.ts (not the door's) out of `app`, 118.5.
// Thirtieth session: the list of the other languages' chunks loaded only for a visitor in
// one of them (locales/other-languages.ts), 119.9 → 119.6; a language added costs the door nothing.
// The live client telling the hub the page's language (43 bytes) paid for by keying its watches by
// their text instead of a function per kind: 119.98 → 119.93.
// The pages' error boundary (ui/LoadBoundary.tsx, 0.26 kB: a page whose chunk could not be downloaded
// went white) paid for by the staff area's namespaces read from German's chunk list, its pages named
// once, the legal texts' admin page declared apart, and the field checks only the booking, invite
// and feedback forms make kept out of `app`: 119.957 → 119.942.
// Forty-fourth session: the figures are those of the files as written (the preload lists Vite
// writes into the entry after the chunks are made had gone uncounted, about 1 kB a page): the door
// 120.954. The staff pages in a chunk of their own (app/staff-pages.tsx), 120.182; chunk files
// named by their hash alone, 119.807 (decision 020, last addendum).
// Fiftieth session: a feature whose words could not be downloaded says so instead of showing keys
// (lib/i18n.ts, loadNamespaces: 0.06 kB), paid for by i18next options it had by default, one form
// for the backend's two failures and one wording of their errors: 119.993 → 119.996.
// The other pages a citizen, interpreter or guest opens have a budget too (decision 020, the
// last addendum): each its size when it was set plus at least 0.3 kB, up to the next half kB,
// so a page that grows is noticed when it grows, not when it reaches the door's figure. A
// change that goes over one makes room or loads lazily; a limit is raised only with a reason
// in that decision record.
export const PAGE_BUDGETS: Record<string, number> = {
  door: 120,
  home: 121, // 120.4 kB when set
  tenant: 121, // 120.5
  legal: 122, // 121.6
  // Set anew when the table began to count `moreErrors` (1.9 kB), which these pages wait for
  // beside their own namespace (decision 020, last addendum): the same room as before.
  // 123.96 since the page waits for its question before a link leaves (LeaveQuestion.tsx with
  // lib/leave-guard.ts, 1.5 kB): loaded a moment after the page, it let a click in that moment
  // leave unasked; the same bytes as before, now counted (decision 020, last addendum). 122.49
  // after the thirty-sixth session; 121.8 kB when set (119.9 without `moreErrors`)
  waitingRoom: 124.5,
  booking: 134.5, // 134.2 (132.3)
  // 130.0 (128.2) when set; 129.6 since the slot picker loads after the page stands, so the
  // raise to 131 (at 130.5, its figure moving ±15 bytes with 7 bytes of room) was taken back.
  manage: 130.5,
  join: 132, // 131.3 (129.4)
  invite: 124.0, // 122.7 (120.8: 120.5 after the lobby's tone left the first download (120.8), then
  // the console's texts for links in force joined the invites namespace the page loads); raised at
  // 123.0: the role said once for a link without a label, an ended call as the status's answer, and
  // the name straight to the device check (decision 020); raised from 123.5 at 123.4x: an
  // appointment whose start has passed is said to begin any moment; raised from 123.6 at 123.63:
  // the server's new error codes (unknown method, range, precondition) in the shared list every
  // page parses answers with (decision 020, last addendum); 123.86 with the municipality's legal
  // links in the footer, paid for by the invitee's requests apart from the clerk's (invitee-api.ts)
  call: 140.0, // raised from 139.5 at 139.521 in the forty-ninth session: a page no longer waits for the words of refusals when their chunk fails (lib/i18n.ts), and says the server's words meanwhile (decision 020, last addendum). 139.20 after the forty-third session merged five helpers (the stacked-marks rule in the shared name schema, the kept drafts tied to the account): 1 byte over 139.2. 139.15: help for a camera or microphone the browser refuses in the call, who left said on the empty stage, the invite panel revealed with its bar; 138.86 after the thirty-seventh session, 138.57 after the thirty-sixth (decision 020); 137.9: the tab's kept devices for a reload in the call (137.2, 134.9 before counting the clerk's tools)
  callEnded: 121.8, // 121.59 after the thirty-sixth session; 121.1 (119.2)
};

export default defineConfig({
  plugins: [
    react(),
    precompress(),
    // What each page loads before it is interactive (German, the default language), and the
    // budgets of the door page (issue 14) and the other citizens' pages. A new lazily loaded page
    // gets its line here, and a budget if citizens open it.
    routeBudget({
      routes: PAGE_ROUTES,
      budgets: PAGE_BUDGETS,
      // Fetched at start by every page beside the first download, but waited for by none: German
      // `errors` (needed only to show an error) and the legal footer, whose words are in `common`
      // (lib/i18n.ts, app/Layout.tsx). Printed as a column of their own ("with start"), not in the
      // figures the budgets hold (decision 020, last addendum).
      atStart: [de('errors'), 'src/features/legal/LegalFooter.tsx'],
      floorChunk: 'core',
    }),
  ],
  // Translations are read whole (`default`), never by key: no named export per top-level key.
  json: { namedExports: false },
  resolve: {
    conditions: ['source'],
    alias: [
      {
        find: /^use-sync-external-store\/shim$/,
        replacement: fileURLToPath(new URL('./vite/use-sync-external-store-shim.ts', import.meta.url)),
      },
    ],
  },
  server: {
    port: 5173,
    proxy: {
      '/api': apiTarget,
      '/ws': { target: apiTarget, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    // Written beside the chunks, without a `sourceMappingURL` comment in each: ~30 bytes gzip a
    // chunk that every page paid (issue 14). Developer tools take a map when it is added by hand.
    sourcemap: 'hidden',
    // Vite's general warning starts at 500 kB; the one chunk above it is the LiveKit client
    // (livekit-transport, about 540 kB, 140 kB gzip), loaded only when a call runs over LiveKit.
    // What a page may load is held by the budgets above, per page and compressed; the warning
    // only told every `npm start` to split a chunk that no page loads first.
    chunkSizeWarningLimit: 600,
    // No polyfill for `<link rel="modulepreload">` (0.3 kB gzip on every page): every browser
    // since 2023 preloads modules itself, and one without (Safari before 17) still loads every
    // chunk, it only finds a lazy page's own imports one round trip later (issue 14: the door's
    // budget, after the twenty-eighth session's error wording and input rules).
    modulePreload: { polyfill: false },
    // The chunk of each source module, for the browser tests that cut one off (tests/e2e/support.ts)
    // and for anyone looking for a module's file; outside assets/, never served (a dot folder).
    manifest: true,
    rolldownOptions: {
      // A schema is built by calls (`z.object(…)`), which the bundler must otherwise keep in case
      // they have effects: every schema of a shared module the door page touches came along, used
      // or not (the whole list of error codes among them). zod's builders have none, so unused
      // schemas drop out. A `z.…` call made for its effect would drop out too: lint refuses
      // `z.config` (call `config` by name) and zod's registries in web/src and shared/src. The
      // shared helpers that build schemas (shared/src/person-name-schema.ts, office-text.ts, visits.api.ts) are as pure.
      treeshake: { manualPureFunctions: ['z', 'personName', 'plainText', 'officeText', 'localizedWith'] },
      // Rolldown's note that plugins took most of the build: they do, on purpose (precompress packs
      // every file at the highest levels once, so no request pays for it); said once here instead.
      checks: { bundlerTimings: false },
      output: {
        // A chunk's file name is its hash alone, in lowercase letters and digits: the entry lists
        // every file each page's import fetches beside it, and every chunk names what it imports,
        // so names cost every page 0.4 kB (gzip), the door's among them (issue 14, decision 020).
        // Which module is in which file: dist/.vite/manifest.json (not served), or the source maps.
        chunkFileNames: 'assets/[hash].js',
        assetFileNames: 'assets/[hash][extname]',
        hashCharacters: 'base36',
        codeSplitting: {
          groups: [
            // The libraries every page needs, in one chunk: one download, cached across releases
            // of the app's own code, and compressed better than in pieces.
            {
              name: 'core',
              test: /node_modules[\\/](react|react-dom|scheduler|i18next|react-i18next|html-parse-stringify|void-elements|zod)[\\/]/,
            },
            // The app's own shared code (lib/, ui/, the shared schemas) in one chunk: the door page
            // used to load it as some twenty small chunks, which compress ~5 kB worse than one, and
            // the few kB in it the door does not use cost less than the split (issue 14). The schemas
            // only booking, the console, invites (the invitee's own in invitee.api.ts), the mailbox and the admin pages parse stay with those pages,
            // as do the staff pages' short forms (ui/SubmitForm.tsx) and the admin pages' collision
            // reader and choice (lib/collisions.ts, ui/CollisionChoice.tsx), and what staff pages say
            // when a right was taken or a session ended (ui/LostRight.tsx, lib/session-ended.ts), and
            // how the admin lists load again when their tab is shown (lib/useReloadWhenShown.ts), and
            // the calendar arithmetic of booking, the console and absences (lib/calendar.ts); the QR
            // code (ui/QrCode.tsx, with its encoder) and the hybrid office's schemas stay with the
            // admin, booking, device and kiosk pages (issue 16), the counter's (onsite-staff.api) with
            // the console; the door needs only the channel (channels.ts). The rules for text staff
            // write and the chat (office-text.ts) and what clients send (live-client.api.ts, which
            // only the server parses, like the knock's request in knock.api.ts) stay out too, as does the
            // office's clock of the waiting room's appointment note (office-clock.api.ts): in
            // `app`, they cost the door 0.7 kB; and the tones (lib/chime.ts: the knock form only
            // unlocks audio, lib/audio-unlock.ts); and the audit actions' names (audit-actions.ts,
            // the audit page's and the CSV export's: 1.7 kB in `app`), and the words of their data
            // (audit-details.ts); and the invite roles' names in both languages (invite-roles.ts), which
            // only the invite, call and console pages read; and the question before a page is left
            // (lib/leave-guard.ts, ui/useLeaveGuard.tsx), which the admin's forms and a running call load.
            {
              name: 'app',
              test: /(web[\\/]src[\\/](lib|ui)|shared[\\/]src)[\\/](?!(appointments|invites|invitee|staff|staff-responses|mailbox|health|organisation|security|offer|accounts|legal|legal-links|audit|devices|hybrid|onsite-staff|kiosk|live-client|knock|office-clock)\.api\.ts|invite-roles\.ts|audit-actions\.ts|audit-details\.ts|office-text\.ts|person-name-schema\.ts|chime\.ts|leave-guard\.ts|useLeaveGuard\.tsx|SubmitForm\.tsx|calendar\.ts|session-ended\.ts|useReloadWhenShown\.ts|collisions\.ts|CollisionChoice\.tsx|LostRight\.tsx|QrCode\.tsx|field-checks\.ts)/,
            },
          ],
        },
      },
    },
  },
  // livekit-client's end-to-end encryption worker is an ES module (features/calls/media).
  worker: { format: 'es' },
});
