/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console is served by the Go server from web/dist (go:embed); during
// development `npm run dev` proxies the API to a server on :8080 (or
// WH_API).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: process.env.WH_API ?? 'https://127.0.0.1:8080', secure: false, ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
