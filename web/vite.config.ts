import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the Vite server serves the client and hands /api and /ws to the app server;
// in production the app server serves the built files itself (one process, one port).
const apiTarget = `http://127.0.0.1:${process.env.AMTSRAUM_DEV_API_PORT ?? '3000'}`;

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source'] },
  server: {
    port: 5173,
    proxy: {
      '/api': apiTarget,
      '/ws': { target: apiTarget, ws: true },
    },
  },
  build: { outDir: 'dist', sourcemap: true },
  // livekit-client's end-to-end encryption worker is an ES module (features/calls/media).
  worker: { format: 'es' },
});
