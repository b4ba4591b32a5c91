import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: one build served by Electron (file://) and by `switchboard serve` (http), hence relative paths.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // One bundle for a local app read from disk or loopback (forms, terminal, virtual list): no need to split it.
    chunkSizeWarningLimit: 2048,
  },
});
