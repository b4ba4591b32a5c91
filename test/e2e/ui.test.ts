// The window end to end, in a browser: Debian's Chromium (playwright-core) against `switchboard serve` on a temporary
// data dir with real servers (server-everything, fixtures). It needs the build (`npm run build`; `npm ci` does it).
// On failure, a screenshot of every page goes to test-results/.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../helpers/otlp.ts';
import { Store } from '../../electron/core/store/store.ts';
import { binOf, fixture, removeTempDirs, repoRoot, tempDir } from '../helpers/fs.ts';
import { waitFor } from '../helpers/wait.ts';

const CHROMIUM = '/usr/bin/chromium';
const PAGES = ['servers', 'playground', 'logs', 'traces', 'metrics', 'clients', 'audit', 'terminal'] as const;
const everythingBin = binOf('@modelcontextprotocol/server-everything', 'dist/index.js');
const BUILT = ['dist/electron/cli/main.js', 'dist/renderer/index.html'];
const skipReason = !fs.existsSync(CHROMIUM) ? 'skipped: /usr/bin/chromium is not installed' : '';
/** Log lines in the store before serve starts: the Logs page must stay usable with a million. */
const SEEDED = 1_000_000;
const seeded = (n: number) => `seeded line ${String(n).padStart(7, '0')}`;

/** Writes `count` stderr lines of a server `seed` into the data dir's store, a millisecond apart (well inside retention), oldest first. */
function seedLogLines(dir: string, count: number): void {
  const store = Store.open(dir);
  try {
    const insert = store.db.prepare("INSERT INTO logs (time, server, stream, level, message) VALUES (?, 'seed', 'stderr', 1, ?)");
    const start = Date.now() - count;
    store.db.transaction(() => {
      for (let n = 0; n < count; n++) insert.run(start + n, seeded(n));
    })();
  } finally {
    store.dispose();
  }
}

let serve: ChildProcessWithoutNullStreams | undefined;
let serveExited: Promise<number | null>;
let serveOutput = '';
let context: BrowserContext;
let page: Page;
let signInUrl: string;
let base: string;
let dataDir: string;
let home: string;
let agentToken = '';

describe.skipIf(skipReason !== '')(`the window in a browser, against switchboard serve ${skipReason}`, () => {
  beforeAll(async () => {
    // A build running beside the tests empties dist/renderer for a moment: wait for it rather than fail.
    await waitFor(() => BUILT.every((file) => fs.existsSync(path.join(repoRoot, file))), `${BUILT.join(' and ')} (run \`npm run build\` first)`, 60_000, 200);
    const dir = tempDir('switchboard-e2e-');
    dataDir = path.join(dir, 'data');
    home = path.join(dir, 'home');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, 'mcp.json'),
      JSON.stringify({
        mcpServers: {
          everything: { command: process.execPath, args: [everythingBin, 'stdio'] },
          flood: { command: process.execPath, args: [fixture('flood.mjs')], env: { FLOOD_LINES: '3' } },
          notes: { command: process.execPath, args: [fixture('annotated.mjs'), 'notes'] },
          memory: { command: process.execPath, args: [binOf('@modelcontextprotocol/server-memory', 'dist/index.js')], env: { MEMORY_FILE_PATH: path.join(dataDir, 'memory.jsonl') } },
        },
      }),
    );
    seedLogLines(dataDir, SEEDED);
    signInUrl = await startServe('0');
    base = new URL(signInUrl).origin;

    const profile = tempDir('switchboard-chromium-');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile },
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await stopServe();
    removeTempDirs();
  });

  /** `switchboard serve` with the UI on the temporary data dir; resolves with its `UI:` URL. */
  async function startServe(port: string): Promise<string> {
    serveOutput = '';
    serve = spawn(process.execPath, [path.join(repoRoot, 'bin', 'switchboard.js'), 'serve', '--data-dir', dataDir, '--port', port], {
      cwd: repoRoot,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), SWITCHBOARD_TOKEN: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    serve.stdout.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
    serve.stderr.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
    const child = serve;
    serveExited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    return (await waitFor(() => /^UI: (\S+)$/m.exec(serveOutput), 'the UI line of serve', 30_000))[1]!;
  }

  /** SIGTERM (serve stops every server), then SIGKILL if it hangs. */
  async function stopServe(): Promise<number | null> {
    if (!serve || serve.exitCode !== null || serve.signalCode !== null) return serve?.exitCode ?? null;
    serve.kill('SIGTERM');
    const code = await Promise.race([serveExited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 8000))]);
    serve.kill('SIGKILL');
    return code;
  }

  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const dir = path.join(repoRoot, 'test-results');
      fs.mkdirSync(dir, { recursive: true });
      const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      for (const each of PAGES) {
        await page.evaluate((p) => (location.hash = `#/${p}`), each).catch(() => {});
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(dir, `${name}--${each}.png`) }).catch(() => {});
      }
      fs.writeFileSync(path.join(dir, `${name}--serve.log`), serveOutput);
    });
  });

  const goto = async (target: (typeof PAGES)[number]) => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: new RegExp(`^${target}`, 'i') }).click();
    await page.locator(`main[data-page="${target}"]`).waitFor();
  };

  it('opens signed in from the printed URL, on a clean URL, and shows the servers ready', async () => {
    await page.goto(signInUrl);
    await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(page.url()).not.toContain('token');
    await page.locator('tr[data-server="everything"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.locator('tr[data-server="flood"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.locator('tr[data-server="notes"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('servers-ready').textContent()).toContain('4/4');
  });

  it('moves between pages with the keyboard', async () => {
    await page.locator('body').click();
    for (const [index, target] of PAGES.entries()) {
      await page.keyboard.press(`Alt+${index + 1}`);
      await page.locator(`main[data-page="${target}"]`).waitFor();
    }
    await page.keyboard.press('Alt+1');
  });

  it("follows the system's light or dark scheme, and a theme chosen in the sidebar over it", async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe('rgb(20, 23, 28)');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(background).toBe('rgb(246, 247, 249)');
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(background).toBe('rgb(20, 23, 28)');
    await page.getByLabel('Theme').selectOption('system');
    await expect.poll(background).toBe('rgb(246, 247, 249)');
  });

  it('asks for the token without the cookie, and signs in with it', async () => {
    await context.clearCookies();
    // An old link (a token since regenerated): the page says so, and the token leaves the address bar.
    await page.goto(`${base}/?token=an-old-token`);
    await page.getByRole('alert').filter({ hasText: 'The token in that link is not this Switchboard' }).waitFor();
    expect(page.url()).not.toMatch(/token|signin/);
    await page.goto(base);
    const token = page.getByLabel('Token');
    await token.fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not the token' }).waitFor();
    await token.fill(new URL(signInUrl).searchParams.get('token')!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-ready="true"]').waitFor({ timeout: 20_000 });
    await page.locator('tr[data-server="everything"]').waitFor();
  });

  it('adds a server through the form, which checks it as you type, and sees it become ready', async () => {
    await goto('servers');
    await page.getByRole('button', { name: 'Add server' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a server' });
    await dialog.getByLabel('Name').fill('banner');
    await dialog.getByRole('alert', { name: 'Problems' }).filter({ hasText: 'mcpServers.banner.command' }).waitFor();
    await dialog.getByLabel('Command', { exact: true }).fill(process.execPath);
    await dialog.getByLabel('Arguments (one per line)').fill(fixture('banner.mjs'));
    await dialog.getByText('Valid', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('tr[data-server="banner"][data-state="ready"]').waitFor({ timeout: 30_000 });
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, { command: string; args: string[] }> };
    expect(saved.mcpServers.banner).toEqual({ command: process.execPath, args: [fixture('banner.mjs')] });
  });

  it('calls everything__echo and everything__get-sum from the playground through the generated form', async () => {
    await goto('playground');
    // Long descriptions end in an ellipsis rather than widen the list into a sideways scroll.
    const tools = page.getByRole('listbox', { name: 'Tools' });
    await tools.locator('[data-tool="everything__get-resource-reference"]').waitFor();
    expect(await tools.evaluate((list) => list.scrollWidth - list.clientWidth)).toBeLessThanOrEqual(0);
    await page.getByLabel('Search tools').fill('echo');
    await page.locator('[data-tool="everything__echo"]').click();
    await page.locator('.schema-form').getByLabel('message').fill('hello from the e2e test');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.filter({ hasText: 'Echo: hello from the e2e test' }).waitFor();
    await expect.poll(() => result.getAttribute('data-status')).toBe('ok');
    // Enter in a one-line field runs the tool, as a form submits.
    await page.locator('.schema-form').getByLabel('message').fill('sent with Enter');
    await page.locator('.schema-form').getByLabel('message').press('Enter');
    await result.filter({ hasText: 'Echo: sent with Enter' }).waitFor();

    await page.getByLabel('Search tools').fill('get-sum');
    await page.locator('[data-tool="everything__get-sum"]').click();
    const form = page.locator('.schema-form');
    await form.getByLabel(/^a\*?$/).fill('2');
    await form.getByLabel(/^b\*?$/).fill('40');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('region', { name: 'Result' }).filter({ hasText: '42' }).waitFor();
  });

  it("adds items to a nested list after typing in it (the click is not lost), and says what is missing only once touched", async () => {
    await goto('playground');
    await page.getByLabel('Search tools').fill('create_entities');
    await page.locator('[data-tool="memory__create_entities"]').click();
    const form = page.locator('.schema-form');
    // Nothing typed yet: no complaint.
    await form.waitFor();
    expect(await page.getByText('Not what the schema asks').count()).toBe(0);
    // The entities' own button is the outer one, last in the form (each entity has one for its observations).
    const addEntity = form.getByRole('button', { name: 'Add item' }).last();
    await addEntity.click();
    const names = form.getByLabel(/^name\*?$/);
    await names.first().fill('Ada');
    // The click right after typing, as a person does it: it must add the second entity.
    await addEntity.click();
    await expect.poll(() => names.count()).toBe(2);
    await names.nth(1).fill('Grace');
    await addEntity.click();
    await expect.poll(() => names.count()).toBe(3);
    // Touched now, and the entities lack their entityType: said once, below the form.
    await page.getByText('Not what the schema asks').waitFor();
  });

  it("checks a server on its Details: the connection doctor's steps, the command to run it by hand, ping, its log level", async () => {
    await goto('servers');
    await page.locator('tr[data-server="everything"]').getByRole('button', { name: 'Details' }).click();
    const dialog = page.getByRole('dialog', { name: 'Server everything' });
    for (const step of ['command', 'folder', 'handshake', 'ping']) await dialog.locator(`[data-check="${step}"][data-ok="true"]`).waitFor();
    expect(await dialog.getByLabel('Command to reproduce').textContent()).toContain(everythingBin);
    await dialog.getByRole('button', { name: 'Ping' }).click();
    await expect.poll(() => dialog.getByTestId('ping-result').textContent()).toMatch(/^everything: \d+\.\d ms$/);
    await dialog.getByLabel('Log level').selectOption('debug');
    await page.getByRole('status').filter({ hasText: 'everything now sends its log messages from debug up' }).waitFor();
    await page.keyboard.press('Escape');
    // Each server has its own.
    await page.locator('tr[data-server="notes"]').getByRole('button', { name: 'Details' }).click();
    await page.getByRole('dialog', { name: 'Server notes' }).locator('[data-check="handshake"][data-ok="true"]').waitFor();
    await page.keyboard.press('Escape');
  });

  it("shows a result's annotations (who it is for, its priority) and enlarges a small image on a click", async () => {
    await goto('playground');
    await page.getByLabel('Search tools').fill('get-annotated-message');
    await page.locator('[data-tool="everything__get-annotated-message"]').click();
    await page.getByRole('button', { name: 'JSON', exact: true }).click();
    await page.getByLabel('Arguments as JSON').fill('{"messageType": "error", "includeImage": true}');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.getByLabel('Annotations').first().waitFor();
    expect(await result.getByLabel('Annotations').first().textContent()).toMatch(/for user|for assistant|priority/);
    const image = result.locator('[data-content="image"] img');
    const small = (await image.boundingBox())!.width;
    await result.getByRole('button', { name: 'Image result: enlarge' }).click();
    await expect.poll(async () => (await image.boundingBox())!.width).toBeGreaterThan(small * 4);
  });

  it("suggests a prompt's argument values as you type, from what the server completes (and from the arguments filled in)", async () => {
    await goto('playground');
    await page.getByRole('tab', { name: 'Prompts' }).click();
    await page.getByRole('listbox', { name: 'Prompts' }).getByRole('option', { name: /Team Management/ }).click();
    const department = page.getByRole('combobox', { name: /^department/ });
    await department.fill('Eng');
    const options = (argument: string) => page.locator(`datalist[data-completions="${argument}"] option`);
    await expect.poll(async () => options('department').evaluateAll((list) => list.map((option) => (option as HTMLOptionElement).value))).toEqual(['Engineering']);
    await department.fill('Engineering');
    await page.getByRole('combobox', { name: /^name/ }).fill('');
    await expect.poll(async () => options('name').evaluateAll((list) => list.map((option) => (option as HTMLOptionElement).value))).toEqual(['Alice', 'Bob', 'Charlie']);
  });

  it('follows a subscribed resource live: read again when its server says it changed', async () => {
    await goto('playground');
    await page.getByRole('tab', { name: 'Resources' }).click();
    const first = page.getByRole('listbox', { name: 'Resources' }).getByRole('option').filter({ hasText: 'everything' }).first();
    await first.click();
    // Checked once the gateway took the subscription (the box follows the answer, not the click).
    await page.getByLabel('Live updates').click();
    await expect.poll(() => page.getByLabel('Live updates').isChecked()).toBe(true);
    // server-everything sends resources/updated for what is subscribed once its simulation is on.
    const admin = new Client({ name: 'e2e-updates', version: '1' });
    await admin.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${new URL(signInUrl).searchParams.get('token')}` } } }));
    try {
      await admin.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} });
      await page.getByTestId('resource-updated').waitFor({ timeout: 15_000 });
    } finally {
      await admin.callTool({ name: 'everything__toggle-subscriber-updates', arguments: {} }).catch(() => undefined);
      await admin.close();
    }
  });

  it('gives one call its own timeout in the playground', async () => {
    await goto('playground');
    await page.getByRole('tab', { name: 'Tools' }).click();
    await page.getByLabel('Search tools').fill('notes__slow');
    await page.locator('[data-tool="notes__slow"]').click();
    await page.getByLabel('Timeout in seconds').fill('0.3');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('region', { name: 'Result' }).filter({ hasText: /0\.3 s|timed out|did not answer/i }).waitFor({ timeout: 5000 });
  });

  it('keeps both calls in the history, the logs and the traces', async () => {
    await goto('playground');
    await page.getByRole('tab', { name: 'History' }).click();
    await page.locator('[data-history="everything__echo"]').first().waitFor();
    await page.locator('[data-history="everything__get-sum"]').first().click();
    await page.getByRole('button', { name: 'Re-run' }).waitFor();

    await goto('logs');
    await page.getByLabel('Find text').fill('hello from the e2e test');
    const line = page.locator('.log-row[data-kind="rpc"]').filter({ hasText: 'hello from the e2e test' }).first();
    await line.waitFor({ timeout: 10_000 });
    await line.click();
    await page.getByRole('complementary', { name: 'Line detail' }).filter({ hasText: 'hello from the e2e test' }).waitFor();

    await goto('traces');
    const row = page.locator('tr[data-trace]').filter({ hasText: 'echo' }).first();
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.textContent()).toContain('switchboard-playground');
    await row.click();
    const trace = page.getByRole('region', { name: 'Trace' });
    await trace.getByRole('list', { name: 'Timeline' }).filter({ hasText: 'upstream tools/call' }).waitFor();
    // The newest echo call is the one sent with Enter.
    await trace.filter({ hasText: 'sent with Enter' }).waitFor();
  });

  it("shows a server's stderr lines in the logs", async () => {
    await goto('logs');
    await page.getByLabel('Find text').fill('');
    await page.getByLabel('Server').selectOption('flood');
    await page.getByLabel('Stream').selectOption('stderr');
    await page.locator('.log-row').filter({ hasText: 'flood done' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Server').selectOption('');
    await page.getByLabel('Stream').selectOption('');
  });

  it('pages through a million log lines: the newest first, only the rows on screen in the page, older ones on scrolling up, any one by its text', async () => {
    await goto('logs');
    await page.getByLabel('Find text').fill('seeded line');
    await page.locator('.log-row').filter({ hasText: seeded(SEEDED - 1) }).waitFor({ timeout: 30_000 });
    const rows = page.locator('.log-row');
    expect(await rows.count()).toBeLessThan(200);
    // Scrolling to the top loads the page before it, and keeps the line that was on top in view.
    const list = page.getByRole('listbox', { name: 'Log lines' });
    await list.evaluate((element) => element.scrollTo({ top: 0 }));
    await rows.filter({ hasText: seeded(SEEDED - 1001) }).waitFor({ timeout: 30_000 });
    await list.evaluate((element) => element.scrollTo({ top: 0 }));
    await rows.filter({ hasText: seeded(SEEDED - 2001) }).waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBeLessThan(200);
    // The oldest line, found by its text in a moment rather than by scrolling a million rows.
    await page.getByLabel('Find text').fill(seeded(17));
    await rows.filter({ hasText: seeded(17) }).waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(1);
    await page.getByLabel('Find text').fill('');
  });

  it('runs a command in a terminal and shows its output', async () => {
    await goto('terminal');
    await page.getByRole('button', { name: 'New terminal' }).click();
    const terminal = page.locator('.terminal-host:visible .xterm');
    await terminal.waitFor();
    await terminal.click();
    await page.keyboard.type('echo e2e-$((6*7))');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.terminal-host:visible .xterm-rows').textContent(), { timeout: 15_000 }).toContain('e2e-42');
    // xterm's own styles reach it despite the CSP (they did not: dark text on the black terminal).
    expect(await page.locator('.terminal-host:visible .xterm-rows').evaluate((rows) => getComputedStyle(rows).color)).toBe('rgb(255, 255, 255)');
    // Alt+digit still moves between pages from inside the terminal.
    await page.keyboard.press('Alt+1');
    await page.locator('main[data-page="servers"]').waitFor();
  });

  it('shows the Claude Desktop config on the Clients page', async () => {
    await goto('clients');
    const config = page.getByLabel('Claude Desktop config');
    await config.waitFor();
    const shown = (await config.textContent())!;
    // The token is masked on screen, as the token field above it is.
    expect(shown).not.toContain(new URL(signInUrl).searchParams.get('token')!);
    const text = JSON.parse(shown) as { mcpServers: { switchboard: { command: string; args: string[] } } };
    expect(text.mcpServers.switchboard.command).toBe(process.execPath);
    expect(text.mcpServers.switchboard.args).toEqual([path.join(repoRoot, 'bin', 'switchboard.js'), 'connect', '--data-dir', dataDir, '--client', 'claude-desktop']);
    await expect.poll(() => page.getByTestId('endpoint').textContent()).toBe(`${base}/mcp`);
  });

  it('adds a client with its own token on the Clients page, shown once', async () => {
    await goto('clients');
    await page.getByLabel('Client name').fill('agent');
    await page.getByLabel('Servers it sees').fill('notes');
    await page.getByRole('button', { name: 'Add client' }).click();
    const fresh = page.getByTestId('fresh-token');
    await fresh.waitFor();
    agentToken = (await fresh.locator('code').textContent())!.trim();
    expect(agentToken).toMatch(/^sbc_[\w-]{40,}$/);
    await page.locator('tr[data-access-client="agent"]').waitFor();
    expect(await page.locator('tr[data-access-client="agent"]').textContent()).toContain('servers: notes');
    await fresh.getByRole('button', { name: 'Done' }).click();
    await fresh.waitFor({ state: 'detached' });
    // Gone for good: the page never shows it again.
    expect(await page.locator('main').textContent()).not.toContain(agentToken);
  });

  it("a client's destructive call waits for the window: approved there it runs, denied (Esc) it does not", async () => {
    const agent = new Client({ name: 'e2e-agent', version: '1' });
    await agent.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${agentToken}` } } }));
    try {
      expect((await agent.listTools()).tools.every((tool) => tool.name.startsWith('notes__'))).toBe(true);
      const approved = agent.callTool({ name: 'notes__delete_notes', arguments: { note: 'from the e2e test' } });
      const dialog = page.getByRole('dialog', { name: 'agent wants to call notes__delete_notes' });
      await dialog.waitFor({ timeout: 10_000 });
      expect(await dialog.textContent()).toContain('from the e2e test');
      await dialog.getByRole('button', { name: /Approve once/ }).click();
      expect(await approved).toMatchObject({ content: [{ type: 'text', text: 'delete_notes ran with from the e2e test' }] });
      await dialog.waitFor({ state: 'detached' });

      const denied = agent.callTool({ name: 'notes__send_mail', arguments: {} });
      await page.getByRole('dialog', { name: 'agent wants to call notes__send_mail' }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Escape');
      const result = await denied;
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain('denied the call of notes__send_mail');
    } finally {
      await agent.close();
    }
  });

  it('lists every call and its decision on the Audit page, filtered by client', async () => {
    await goto('audit');
    await page.getByLabel('Client').selectOption('agent');
    await page.locator('tr[data-decision="approved"]').filter({ hasText: 'notes__delete_notes' }).waitFor();
    await page.locator('tr[data-decision="denied"]').filter({ hasText: 'notes__send_mail' }).waitFor();
    const rows = await page.locator('tr[data-audit]').allTextContents();
    expect(rows.every((row) => row.includes('agent'))).toBe(true);
    expect(rows.find((row) => row.includes('notes__delete_notes'))).toContain('person');
  });

  it('acts as that client in the playground: only its tools are listed', async () => {
    await goto('playground');
    await page.getByRole('tab', { name: 'Tools' }).click();
    await page.locator('[data-search]').fill('');
    await page.locator('[data-tool="everything__echo"]').waitFor();
    await page.getByLabel('Act as client').selectOption('agent');
    await expect.poll(() => page.getByTestId('as-view').textContent()).toContain('7 tools visible');
    await page.locator('[data-tool="everything__echo"]').waitFor({ state: 'detached' });
    await page.locator('[data-tool="notes__read_notes"]').waitFor();
    await page.getByLabel('Act as client').selectOption('');
    await page.locator('[data-tool="everything__echo"]').waitFor();
  });

  it('never throws away an edit made by hand: Disable on an invalid file writes nothing and says why; a reload still shows the problem', async () => {
    const file = path.join(dataDir, 'mcp.json');
    const good = fs.readFileSync(file, 'utf8');
    const broken = good.replace('"mcpServers": {', '"mcpServers": { "by-hand": { "command": "x", "args": "not a list" },');
    fs.writeFileSync(file, broken);
    try {
      await goto('servers');
      await page.locator('.banner.error').filter({ hasText: 'mcp.json was edited but cannot be used' }).waitFor({ timeout: 10_000 });
      await page.locator('tr[data-server="flood"]').getByRole('button', { name: 'Disable' }).click();
      await page.locator('.toast.error').filter({ hasText: 'nothing was written over it (your edit is kept)' }).waitFor();
      expect(fs.readFileSync(file, 'utf8')).toBe(broken);
      await page.reload();
      await page.locator('[data-ready="true"]').waitFor();
      await page.locator('.banner.error').filter({ hasText: 'mcp.json was edited but cannot be used' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('.banner.error').textContent()).toContain('mcpServers.by-hand.args');
    } finally {
      fs.writeFileSync(file, good);
    }
    await page.locator('.banner.error').filter({ hasText: 'mcp.json was edited but cannot be used' }).waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('says in the pane why a resource template read failed (never "Reading…" forever), and highlights one item', async () => {
    await goto('playground');
    await page.getByRole('tab', { name: 'Resources' }).click();
    await page.getByRole('option', { name: /Dynamic Text Resource/ }).click();
    await page.locator('.detail-pane input').first().fill('not-a-number');
    await page.locator('.detail-pane').getByRole('button', { name: 'Read' }).click();
    await page.locator('.detail-pane [role="alert"]').filter({ hasText: 'Could not read it' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.detail-pane').textContent()).not.toContain('Reading…');
    expect(await page.locator('[aria-label="Resources"] [aria-selected="true"]').count()).toBe(1);
  });

  it('shows the calls the test made on the Metrics page, per server and per tool', async () => {
    const admin = new Client({ name: 'e2e-metrics', version: '1' });
    await admin.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${new URL(signInUrl).searchParams.get('token')}` } } }));
    try {
      for (let call = 0; call < 3; call++) await admin.callTool({ name: 'notes__read_notes', arguments: {} });
      expect((await admin.callTool({ name: 'notes__broken', arguments: {} })).isError).toBe(true);
    } finally {
      await admin.close();
    }
    await goto('metrics');
    const readNotes = page.locator('tr[data-metrics-tool="notes/read_notes"]');
    await expect.poll(() => readNotes.getAttribute('data-calls'), { timeout: 10_000 }).toBe('3');
    await expect.poll(() => page.locator('tr[data-metrics-tool="notes/broken"]').textContent()).toContain('100.0 %');
    expect(Number(await page.locator('tr[data-metrics-server="notes"]').getAttribute('data-calls'))).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('kpi-throughput').textContent()).toMatch(/calls\/s/);
    expect(await page.locator('tr[data-metrics-server="notes"] .sparkline canvas').count()).toBe(1);
  });

  it('turns trace export on from the Metrics page, and a trace shows its progress events', async () => {
    const receiver = await startOtlpReceiver();
    const admin = new Client({ name: 'e2e-traces', version: '1' });
    try {
      await goto('metrics');
      const section = page.getByRole('region', { name: 'Trace export' });
      await section.getByLabel('Collector URL').fill('not a url');
      await section.getByRole('button', { name: 'Export' }).click();
      await section.locator('.error-text').filter({ hasText: 'http(s) URL' }).waitFor();
      await section.getByLabel('Collector URL').fill(`${receiver.url}/v1/traces`);
      await section.getByRole('button', { name: 'Export' }).click();
      await section.getByTestId('otlp-status').filter({ hasText: `Exporting to ${receiver.url}/v1/traces` }).waitFor();

      await admin.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${new URL(signInUrl).searchParams.get('token')}` } } }));
      const steps: number[] = [];
      await admin.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, { onprogress: (update) => steps.push(update.progress) });
      expect(steps).toEqual([1, 2]);
      // The collector gets the call (the batch goes within the SDK's 5 s), and the page counts what was sent.
      const exported = await waitFor(() => receiver.spans.find((span) => span.name === 'tools/call trigger-long-running-operation'), 'the call at the collector', 15_000, 200);
      expect(exported.attributes['switchboard.server']).toBe('everything');
      await expect.poll(async () => Number(/(\d+) spans sent/.exec((await section.getByTestId('otlp-status').textContent()) ?? '')?.[1] ?? 0), { timeout: 10_000 }).toBeGreaterThan(0);
      await section.getByRole('button', { name: 'Stop exporting' }).click();
      await section.getByTestId('otlp-status').filter({ hasText: 'Not exporting.' }).waitFor();

      await goto('traces');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator(`tr[data-trace="${exported.traceId}"]`).click();
      const events = page.getByRole('list', { name: 'Events of upstream tools/call' });
      await expect.poll(() => events.textContent()).toMatch(/progress 1\/2.*progress 2\/2/);

      // The same progress in the Playground's notifications pane, whole on selection.
      await goto('playground');
      await page.getByRole('tab', { name: 'Notifications' }).click();
      const notification = page.getByRole('listbox', { name: 'Notifications' }).locator('[data-notification="notifications/progress"]').last();
      await notification.click();
      await page.locator('.detail-pane').filter({ hasText: 'progressToken' }).waitFor();
    } finally {
      await admin.close();
      await receiver.close();
    }
  });

  it("offers a server the roots set in its form (it asks for them when it starts)", async () => {
    await goto('servers');
    await page.locator('tr[data-server="everything"]').getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit everything' });
    await dialog.getByText('Options').click();
    await dialog.getByLabel(/^Roots/).fill('/tmp/e2e-root');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('tr[data-server="everything"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await goto('playground');
    await page.getByRole('tab', { name: 'Tools' }).click();
    await page.getByLabel('Search tools').fill('get-roots-list');
    await page.locator('[data-tool="everything__get-roots-list"]').click();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('region', { name: 'Result' }).filter({ hasText: 'file:///tmp/e2e-root' }).waitFor();
  });

  it('reconnects by itself when Switchboard restarts, and shows the servers again', async () => {
    await goto('servers');
    expect(await stopServe()).toBe(0);
    await page.locator('[data-ready="false"]').waitFor({ timeout: 10_000 });
    await page.getByRole('status').filter({ hasText: 'reconnecting' }).waitFor();
    await startServe(new URL(base).port);
    await page.locator('[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('tr[data-server="everything"][data-state="ready"]').waitFor({ timeout: 30_000 });
  });
});
