// Bundles the preload into one CommonJS file, dist/electron/preload/preload.cjs: a sandboxed preload can
// require only `electron` (and a few Node shims), never our other files. Vite (rolldown) is already here.
// Usage: node scripts/build-preload.mjs [OUT_DIR]   (tests build into a temporary folder)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist/electron/preload'));

await build({
  configFile: false,
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    lib: { entry: path.join(root, 'electron/preload/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    outDir,
    emptyOutDir: false,
    target: 'esnext',
    minify: false,
    sourcemap: true,
    rollupOptions: { external: ['electron'] },
  },
});
