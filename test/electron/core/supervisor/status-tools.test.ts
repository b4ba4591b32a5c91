// A server's tool count is what the gateway exposes of it: its tools.allow/deny applied, as Servers and status show.
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, removeTempDirs } from '../../../helpers/fs.ts';
import { startCore, stopCores, waitForState } from '../../../helpers/core.ts';
import { waitFor } from '../../../helpers/wait.ts';

afterAll(async () => {
  await stopCores();
  removeTempDirs();
});

describe("a server's tool count", () => {
  it('counts only the tools its allow/deny lets through, and the patterns match across any characters', async () => {
    const { app } = await startCore({
      notes: { command: process.execPath, args: [fixture('annotated.mjs'), 'notes'], tools: { deny: ['delete_*', '*_mail'] } },
      only: { command: process.execPath, args: [fixture('annotated.mjs'), 'only'], tools: { allow: ['read_*', 'ping_fixture'] } },
    });
    await waitForState(app, 'notes', 'ready');
    await waitForState(app, 'only', 'ready');
    const exposed = await waitFor(() => (app.gateway.catalog.snapshot.tools.length === 7 ? app.gateway.catalog.snapshot.tools.map((tool) => tool.name) : undefined), 'the catalog');
    expect(exposed.filter((name) => name.startsWith('notes__')).sort()).toEqual(['notes__broken', 'notes__ping_fixture', 'notes__plain', 'notes__read_notes', 'notes__slow']);
    expect(exposed.filter((name) => name.startsWith('only__')).sort()).toEqual(['only__ping_fixture', 'only__read_notes']);
    const counts = Object.fromEntries(app.statuses().map((status) => [status.name, status.tools]));
    expect(counts).toEqual({ notes: 5, only: 2 });
  });
});
