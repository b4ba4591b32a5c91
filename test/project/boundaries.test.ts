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

  it('keeps each layer of electron/core from importing the layers above it, and the hosts and the renderer out of the core', async () => {
    expect(await problems('electron/core/store/example.ts', "import { Gateway } from '../gateway/gateway.ts';\nexport const x = Gateway;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*below .*gateway\//)]);
    expect(await problems('electron/core/supervisor/example.ts', "import { Router } from '../gateway/router/router.ts';\nexport const x = Router;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*supervisor\/ is below/)]);
    expect(await problems('electron/core/gateway/router/example.ts', "import { ApiService } from '../../api/service.ts';\nexport const x = ApiService;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*below .*api\//)]);
    expect(await problems('electron/core/gateway/example.ts', "import { Switchboard } from '../switchboard.ts';\nexport const x = Switchboard;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*below .*switchboard\.ts/)]);
    expect(await problems('electron/core/api/example.ts', "import { main } from '../../main/main.ts';\nexport const x = main;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*never imports them or the renderer/)]);
    expect(await problems('electron/core/ui/example.ts', "import { App } from '../../../renderer/app.tsx';\nexport const x = App;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*never imports them or the renderer/)]);
    // The electron package stays out of every layer.
    expect(await problems('electron/core/gateway/example.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: 'electron' import is restricted/)]);
    // Downwards is fine.
    expect(await problems('electron/core/telemetry/example.ts', "import type { Interceptor } from '../gateway/pipeline/pipeline.ts';\nimport { Store } from '../store/store.ts';\nexport const x: Interceptor | typeof Store | undefined = undefined;\n")).toEqual([]);
  });

  it('keeps SQL in electron/core/store', async () => {
    const code = "import type { Db } from '../store/database.ts';\nexport const count = (db: Db) => db.prepare('SELECT COUNT(*) FROM logs').get();\n";
    expect(await problems('electron/core/api/example.ts', code)).toEqual([expect.stringMatching(/^no-restricted-syntax: SQL lives in electron\/core\/store/)]);
    expect(await problems('electron/core/store/example.ts', code.replace('../store/', './'))).toEqual([]);
  });

  it('lets each side use what it may', async () => {
    expect(await problems('electron/core/example.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).toEqual([]);
    expect(await problems('renderer/example.ts', "import { z } from 'zod';\nimport { SERVER_STATES } from '../shared/model.ts';\nexport const x = [z, SERVER_STATES];\n")).toEqual([]);
  });
});
