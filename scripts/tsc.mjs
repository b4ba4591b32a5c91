// Runs the native TypeScript 7 compiler. The `typescript` package itself is 6.0, kept for
// typescript-eslint, which needs the compiler's JS API that TypeScript 7 no longer ships.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const tsc = path.join(path.dirname(require.resolve('typescript-native/package.json')), 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
