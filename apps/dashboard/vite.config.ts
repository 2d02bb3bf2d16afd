import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { operatorCatalogue } from './build/operator-catalogue.js';

// `npm run dev -w @outpost/dashboard` proxies the API to a hub on OUTPOST_HUB_URL (default :8080).
const hub = process.env.OUTPOST_HUB_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), operatorCatalogue()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/v1': hub, '/docs': hub } },
});
