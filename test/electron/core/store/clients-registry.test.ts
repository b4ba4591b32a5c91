// The registry of clients as the running Switchboard sees the CLI's changes: two connections to one real sqlite
// file, as `serve` and `switchboard clients` have. A change of the other process is never lost, and a client it
// just made is known at the first request, not 100 ms later.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../../../electron/core/store/clients.ts';
import { Store } from '../../../../electron/core/store/store.ts';
import { openDatabase } from '../../../../electron/core/store/database.ts';
import { removeTempDirs, tempDir } from '../../../helpers/fs.ts';

const closing: (() => void)[] = [];
afterAll(() => {
  for (const close of closing) close();
  removeTempDirs();
});

describe("the clients registry across processes", () => {
  it("knows a client the other connection just made, even after writing its own last-used times", () => {
    const dataDir = tempDir();
    const store = Store.open(dataDir);
    closing.push(() => store.dispose());
    const served = store.clients;
    const cliDb = openDatabase(path.join(dataDir, 'switchboard.db'));
    closing.push(() => cliDb.close());
    const cli = new ClientRegistry(cliDb);

    const bot = cli.add('bot', {});
    expect(served.owner(bot.token).kind).toBe('client'); // seen, and its use noted (a last-used time to write)
    const desktop = cli.add('claude-desktop', {});
    // The serving side writes its last-used times after the other side's change: that change must not be lost.
    served.flush();
    expect(served.ownerByName('claude-desktop').kind).toBe('client');
    expect(served.owner(desktop.token).kind).toBe('client');
  });
});
