// Builds the console into dist/, which the API serves at `/`; in dev, API paths go to a local API.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs, so the same build works wherever the API mounts it.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    proxy: {
      '/admin': API,
      '/v1': API,
      '/health': API,
      '/docs': API,
    },
  },
});
