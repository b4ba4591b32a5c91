// `node --import …/register.mjs`: makes `import … from 'electron'` load the fake beside this file.
import { registerHooks } from 'node:module';

const fake = new URL('./electron.mjs', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, next) => (specifier === 'electron' ? { url: fake, shortCircuit: true } : next(specifier, context)),
});
