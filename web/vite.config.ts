import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './vite/precompress';
import { routeBudget } from './vite/route-budget';

// In development the Vite server serves the client and hands /api and /ws to the app server;
// in production the app server serves the built files itself (one process, one port).
const apiTarget = `http://127.0.0.1:${process.env.AMTSRAUM_DEV_API_PORT ?? '3000'}`;

const de = (namespace: string) => `src/locales/de/${namespace}.json`;

export default defineConfig({
  plugins: [
    react(),
    precompress(),
    // What each page loads before it is interactive (German, the default language), and the
    // door page's budget (issue 14). A new lazily loaded page gets its line here.
    routeBudget({
      routes: {
        home: [],
        door: ['src/features/visits/KnockSection.tsx', de('visits')],
        waitingRoom: ['src/features/visits/WaitingRoomPage.tsx', de('visits')],
        booking: ['src/features/appointments/BookingPage.tsx', de('appointments')],
        manage: ['src/features/appointments/ManagePage.tsx', de('appointments')],
        invite: ['src/features/invites/InvitePage.tsx', de('invites')],
        staffLogin: ['src/features/console/StaffLoginPage.tsx', de('console')],
        console: ['src/features/console/ConsolePage.tsx', de('console'), de('appointments'), de('invites')],
        call: ['src/features/calls/CallPage.tsx', de('calls')],
        mailbox: ['src/features/mailbox/MailboxPage.tsx', de('mailbox')],
      },
      // Issue 14 asked for 120 kB; React, React Router, i18next and zod alone (the `core`
      // chunk below) weigh about 124 kB, so that target is not met. This guard holds the door page
      // (with the knock form, loaded at once) near where it is: 155.0 kB after issue 13's messages
      // that follow the language and the door nobody attends; 160 leaves a little room.
      budget: { route: 'door', limitKb: 160 },
      floorChunk: 'core',
    }),
  ],
  resolve: { conditions: ['source'] },
  server: {
    port: 5173,
    proxy: {
      '/api': apiTarget,
      '/ws': { target: apiTarget, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The libraries every page needs, in one chunk: one download, cached across releases
            // of the app's own code, and compressed better than in pieces.
            {
              name: 'core',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser|i18next|react-i18next|use-sync-external-store|html-parse-stringify|void-elements|zod)[\\/]/,
            },
          ],
        },
      },
    },
  },
  // livekit-client's end-to-end encryption worker is an ES module (features/calls/media).
  worker: { format: 'es' },
});
