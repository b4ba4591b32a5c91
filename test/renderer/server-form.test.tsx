// @vitest-environment jsdom
// The server form: what it sends to be validated as you type, and what a pasted entry fills in.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MASKED_VALUE } from '../../shared/contract.ts';
import { ServerForm, parsePastedEntry, unrepresentable } from '../../renderer/pages/server-form.tsx';
import { createAppStore, StoreContext } from '../../renderer/store/index.ts';
import { FakeBridge } from './fake-bridge.ts';

afterEach(cleanup);

function renderForm(original: Parameters<typeof ServerForm>[0]['original'], bridge: FakeBridge) {
  const store = createAppStore(bridge);
  const onClose = vi.fn();
  render(
    <StoreContext.Provider value={store}>
      <ServerForm original={original} onClose={onClose} />
    </StoreContext.Provider>,
  );
  return { onClose };
}

describe('the server form', () => {
  it('asks the config parser about the entry as it is typed, and shows its messages', async () => {
    const bridge = new FakeBridge().handle('config.validateServer', ({ entry }) => ({ problems: entry.command ? [] : ['mcp.json: mcpServers.x.command: must not be empty'] }));
    renderForm(null, bridge);
    act(() => void fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'x' } }));
    await vi.waitFor(() => expect(screen.getByRole('alert', { name: 'Problems' }).textContent).toContain('must not be empty'));
    expect((screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);
    act(() => void fireEvent.change(screen.getByLabelText('Command'), { target: { value: 'npx' } }));
    act(() => void fireEvent.change(screen.getByLabelText('Arguments (one per line)'), { target: { value: '-y\nserver-memory' } }));
    await vi.waitFor(() => expect(screen.queryByRole('alert', { name: 'Problems' })).toBeNull());
    expect(bridge.callsOf('config.validateServer').at(-1)).toEqual({ name: 'x', entry: { command: 'npx', args: ['-y', 'server-memory'] } });
  });

  it('shows a stored secret masked, sends the mask back unchanged, and keeps fields it does not edit', async () => {
    const bridge = new FakeBridge().handle('config.validateServer', () => ({ problems: [] })).handle('config.setServer', () => null);
    const { onClose } = renderForm({ name: 'gh', entry: { command: 'npx', env: { GITHUB_TOKEN: MASKED_VALUE }, custom: { kept: true } }, masked: ['env.GITHUB_TOKEN'] }, bridge);
    const value = screen.getByLabelText('Environment value') as HTMLInputElement;
    expect(value.type).toBe('password');
    expect(value.value).toBe(MASKED_VALUE);
    await vi.waitFor(() => expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(false));
    act(() => void fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(bridge.callsOf('config.setServer')).toEqual([{ name: 'gh', replacing: 'gh', entry: { custom: { kept: true }, command: 'npx', env: { GITHUB_TOKEN: MASKED_VALUE } } }]);
  });
});

describe('a pasted entry', () => {
  it('is read whether it is an entry, a named pair or a whole client config', () => {
    expect(parsePastedEntry('{ "command": "npx", "args": ["a"] }')).toEqual({ entry: { command: 'npx', args: ['a'] } });
    expect(parsePastedEntry('"memory": { "command": "npx" },')).toEqual({ name: 'memory', entry: { command: 'npx' } });
    expect(parsePastedEntry('{ "mcpServers": { "gh": { "command": "npx" } } }')).toEqual({ name: 'gh', entry: { command: 'npx' } });
    expect(parsePastedEntry('{ "servers": { "v": { "type": "stdio", "command": "x" } } }')).toEqual({ name: 'v', entry: { type: 'stdio', command: 'x' } });
    expect(parsePastedEntry('{ nope')).toMatchObject({ error: expect.stringContaining('Not valid JSON') });
    expect(parsePastedEntry('{ "a": 1, "b": 2 }')).toMatchObject({ error: expect.stringContaining('command') });
    // A whole file of several servers is Import's to take, not the first of them silently.
    expect(parsePastedEntry('{ "mcpServers": { "a": { "command": "x" }, "b": { "command": "y" } } }')).toEqual({ error: expect.stringContaining('has 2 servers (a, b): use Import') });
  });

  it('knows which fields the form would not give back as written', () => {
    expect(unrepresentable({ command: 'npx', args: ['-y', 'x'], env: { A: 'b' }, custom: { kept: true } })).toEqual([]);
    expect(unrepresentable({ type: 'stdio', command: 'npx', args: [], disabled: false })).toEqual([]);
    expect(unrepresentable({ command: 'npx', args: '-y @modelcontextprotocol/server-github' })).toEqual(['"args"']);
    expect(unrepresentable({ url: 'https://x/sse', type: 'sse' })).toEqual(['"type"']);
    expect(unrepresentable({ command: 'npx', env: { PORT: 8080 }, tools: { allow: ['a'], other: 1 } })).toEqual(['"env"', '"tools"']);
  });

  it('fills nothing in from an entry it cannot hold, and says why in the parser\'s words; a good one fills the form', async () => {
    const bridge = new FakeBridge().handle('config.validateServer', ({ entry }) => ({ problems: Array.isArray(entry.args) || entry.args === undefined ? [] : ['mcp.json: mcpServers.gh.args: expected an array of strings'] }));
    renderForm(null, bridge);
    act(() => void fireEvent.click(screen.getByRole('tab', { name: 'Paste JSON' })));
    act(() => void fireEvent.change(screen.getByRole('textbox'), { target: { value: '"gh": { "command": "npx", "args": "-y @modelcontextprotocol/server-github" }' } }));
    act(() => void fireEvent.click(screen.getByRole('button', { name: /Fill in|Use/ })));
    await vi.waitFor(() => expect(screen.getByText(/expected an array of strings/)).toBeTruthy());
    expect(screen.getByRole('tab', { name: 'Paste JSON' }).getAttribute('aria-selected')).toBe('true');
    act(() => void fireEvent.change(screen.getByRole('textbox'), { target: { value: '"gh": { "command": "npx", "args": ["-y", "server-github"] }' } }));
    act(() => void fireEvent.click(screen.getByRole('button', { name: /Fill in|Use/ })));
    await vi.waitFor(() => expect((screen.getByLabelText('Command') as HTMLInputElement).value).toBe('npx'));
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('gh');
  });
});
