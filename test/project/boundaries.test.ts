// The import boundaries of DESIGN.md are lint rules; these tests prove the rules bite.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/fs.ts';

const eslint = new ESLint({ cwd: repoRoot });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries', () => {
  it('keeps the electron package out of electron/core', async () => {
    expect(await problems('electron/core/example.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: 'electron' import is restricted.*plain Node/),
    ]);
  });

  it('keeps Node and the app out of shared/', async () => {
    expect(await problems('shared/example.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: 'node:fs'/)]);
    expect(await problems('shared/example.ts', "import { Store } from '../electron/core/store/store.ts';\nexport const x = Store;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*shared\/ depends on nothing of the app/)]);
    expect(await problems('shared/example.ts', 'export const title = document.title;\n')).toEqual([expect.stringMatching(/^no-restricted-globals: Unexpected use of 'document'/)]);
  });

  it('keeps electron/ out of renderer/', async () => {
    expect(await problems('renderer/example.ts', "import { Switchboard } from '../electron/core/switchboard.ts';\nexport const x = Switchboard;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*never imports electron\//),
    ]);
    expect(await problems('renderer/example.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: 'electron'/)]);
  });

  it('lets each side use what it may', async () => {
    expect(await problems('electron/core/example.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toEqual([]);
    expect(await problems('renderer/example.ts', "import { z } from 'zod';\nimport { SERVER_STATES } from '../shared/model.ts';\nexport const x = [z, SERVER_STATES];\n")).toEqual([]);
  });
});
