// The Electron entry: the desktop twin of `switchboard serve` (electron/cli/serve.ts). It composes the same
// core the same way, then adds the window, the tray and the IPC adapter. Decisions worth a test live in the
// small modules beside it; this file only wires them to Electron.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, shell, Tray, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { DEFAULT_PORT } from '../cli/usage.ts';
import { ApiService, type ApiSession } from '../core/api/index.ts';
import { ConfigError } from '../core/config/parse.ts';
import { loadOrCreateToken, removeEndpoint, writeEndpoint } from '../core/data-dir.ts';
import { HttpServer } from '../core/http/http-server.ts';
import { appVersion, defaultDataDir, packageRoot, PRODUCT_NAME } from '../core/paths.ts';
import { DataDirInUseError } from '../core/store/store.ts';
import { installLastResort } from '../core/base/last-resort.ts';
import { Switchboard, type AppLogLine } from '../core/switchboard.ts';
import { storeNewToken } from '../core/ui/index.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL, READY_CHANNEL, VERSION_SWITCH } from '../preload/api.ts';
import { approvalNotice } from './approval-notice.ts';
import { AppArgsError, parseAppArgs } from './args.ts';
import { createInvokeListener, EventQueue } from './ipc.ts';
import { listenOnFirstFreePort } from './listen.ts';
import { externalLinkDecision, isOwnMainFrame, withContentSecurityPolicy } from './security.ts';
import { trayMenuTemplate, trayToolTip, type TrayActions } from './tray-menu.ts';

const SHUTDOWN_DEADLINE_MS = 5000;
const RENDERER_INDEX = path.join(import.meta.dirname, '..', '..', 'renderer', 'index.html');
const RENDERER_URL = pathToFileURL(RENDERER_INDEX).href;
const PRELOAD = path.join(import.meta.dirname, '..', 'preload', 'preload.cjs');
// Packaged, resources/ is unpacked from the asar (electron-builder.yml): servers run files from it.
const RESOURCES = app.isPackaged ? path.join(process.resourcesPath, 'app.asar.unpacked', 'resources') : path.join(packageRoot(), 'resources');

let core: Switchboard | undefined;
let http: HttpServer | undefined;
let tray: Tray | undefined;
let window: BrowserWindow | undefined;
let api: ApiService | undefined;
/** The window's API session and its events, held until its page listens. Both end with the window. */
let windowSession: { session: ApiSession; events: EventQueue } | undefined;
let quitting: Promise<void> | undefined;

async function main(): Promise<void> {
  const { dataDir, configPath } = parseAppArgs(process.argv.slice(1), { dataDir: defaultDataDir(), cwd: process.cwd() });
  // Before the lock: Electron keys the single-instance lock on userData, so each data dir gets one instance.
  app.setPath('userData', dataDir);
  if (!app.requestSingleInstanceLock()) {
    app.quit(); // The first instance gets 'second-instance' and shows its window.
    return;
  }
  app.on('window-all-closed', () => {
    // Closing the window keeps the app running in the tray (without a listener, Electron would quit).
  });
  app.on('before-quit', (event) => {
    event.preventDefault(); // Every way out (menu, Cmd+Q, logout) goes through the shutdown below.
    quit(0);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => quit(0));
  app.on('web-contents-created', (_event, contents) => guardNavigation(contents));
  await app.whenReady();

  const switchboard = (core = await Switchboard.start(
    {
      dataDir,
      configPath,
      version: appVersion(),
      resourcesDir: RESOURCES,
      nodeRuntime: { path: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } },
      loginShellPath: true, // Launched from a dock or menu, the app gets a bare PATH.
    },
    log,
  ));
  installLastResort((message) => switchboard.log('error', message));
  let token = loadOrCreateToken(dataDir);
  const listening = await listenOnFirstFreePort([DEFAULT_PORT, 0], (port) => new HttpServer(switchboard, { host: '127.0.0.1', port, token }));
  const server = (http = listening.server);
  api = new ApiService(switchboard, {
    endpoint: () => `${listening.url}/mcp`,
    token: () => token,
    regenerateToken: () => {
      token = storeNewToken(dataDir);
      server.mcp.setToken(token);
      return token;
    },
    tokenFromEnv: Boolean(process.env.SWITCHBOARD_TOKEN),
    // The app's own binary runs the CLI as Node: Claude Desktop's bridge entry needs no Node install.
    launcher: { command: process.execPath, args: [path.join(packageRoot(), 'bin', 'switchboard.js')], env: { ELECTRON_RUN_AS_NODE: '1' } },
  });
  writeEndpoint(dataDir, { url: `${listening.url}/mcp`, port: listening.port, pid: process.pid, startedAt: Date.now(), configPath: switchboard.config.path });
  log({ level: 'info', message: `MCP endpoint: ${listening.url}/mcp; data dir: ${dataDir}` });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }));
  const isOurWindow = (event: IpcMainInvokeEvent | IpcMainEvent) => event.sender === window?.webContents && isOwnMainFrame(event.senderFrame, RENDERER_URL);
  ipcMain.handle(
    INVOKE_CHANNEL,
    createInvokeListener(isOurWindow, () => windowSession?.session.dispatch),
  );
  ipcMain.on(READY_CHANNEL, (event: IpcMainEvent) => {
    if (isOurWindow(event)) windowSession?.events.ready();
  });
  createTray(switchboard);
  // A client's call that waits for the person: a desktop notification, which opens the window where it is answered.
  switchboard.access.approvals.onDidAdd((approval) => {
    if (!Notification.isSupported()) return;
    const notice = new Notification(approvalNotice(approval));
    notice.on('click', () => showWindow());
    notice.show();
  });
  showWindow();
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow()); // macOS: a click on the dock icon.
}

function showWindow(): void {
  if (window && !window.isDestroyed()) {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return;
  }
  window = new BrowserWindow({
    title: PRODUCT_NAME,
    width: 1100,
    height: 720,
    icon: path.join(RESOURCES, 'icons', 'icon.png'),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      additionalArguments: [`${VERSION_SWITCH}${appVersion()}`],
    },
  });
  const contents = window.webContents;
  const events = new EventQueue((message) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, message);
  });
  windowSession = api ? { session: api.openSession((message) => events.push(message)), events } : undefined;
  contents.on('did-start-loading', () => events.unready()); // A reload listens again before it gets events.
  window.on('closed', () => {
    window = undefined;
    // Closed with the window: its terminals, its running playground calls, its dialogs.
    windowSession?.session.dispose();
    windowSession = undefined;
  });
  void window.loadFile(RENDERER_INDEX);
}

/** Nothing navigates inside the app and no page opens a window; https links go to the person's browser. */
function guardNavigation(contents: WebContents): void {
  const openOutside = (url: string) => {
    if (externalLinkDecision(url) === 'open-in-browser') void shell.openExternal(url);
  };
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

function createTray(switchboard: Switchboard): void {
  const icon = nativeImage.createFromPath(path.join(RESOURCES, 'icons', 'tray.png'));
  tray = new Tray(icon);
  const report = (action: string, server: string) => (error: unknown) => switchboard.log('error', `${action} ${server}: ${error instanceof Error ? error.message : String(error)}`);
  const actions: TrayActions = {
    start: (server) => {
      try {
        switchboard.supervisor.start(server);
      } catch (error) {
        report('start', server)(error);
      }
    },
    stop: (server) => void switchboard.supervisor.stop(server).catch(report('stop', server)),
    restart: (server) => void switchboard.supervisor.restart(server).catch(report('restart', server)),
    openWindow: showWindow,
    quit: () => quit(0),
  };
  const refresh = () => {
    if (!tray || tray.isDestroyed()) return;
    const statuses = switchboard.statuses();
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(statuses, actions)));
    tray.setToolTip(trayToolTip(PRODUCT_NAME, statuses));
  };
  switchboard.supervisor.onDidChangeStatus(refresh);
  switchboard.supervisor.onDidChangeCatalog(refresh); // Tool counts change without a state change (list_changed).
  tray.on('click', showWindow); // Windows and macOS; Linux tray menus have no click.
  refresh();
}

/** Stops every server under one deadline, closes the endpoint, then exits. Idempotent. */
function quit(code: number): void {
  quitting ??= (async () => {
    await startup.catch(() => {}); // A quit during startup waits for it, so no server is left half-started.
    tray?.destroy();
    if (core) removeEndpoint(core.options.dataDir);
    api?.dispose();
    await Promise.all([http?.close(), core?.shutdown(SHUTDOWN_DEADLINE_MS)]);
  })()
    .catch((error: unknown) => log({ level: 'error', message: `shutdown: ${String(error)}` }))
    .finally(() => app.exit(code));
}

function log(line: AppLogLine): void {
  process.stderr.write(`${line.level === 'info' ? '' : `${line.level}: `}${line.message}\n`);
}

/** A failure a person can act on: one sentence in a dialog, no stack trace. */
function isExpected(error: unknown): error is Error {
  return error instanceof AppArgsError || error instanceof ConfigError || error instanceof DataDirInUseError;
}

const startup = main();
startup.catch((error: unknown) => {
  const message = isExpected(error) ? error.message : `${PRODUCT_NAME} could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  log({ level: 'error', message });
  dialog.showErrorBox(PRODUCT_NAME, message);
  quit(error instanceof AppArgsError ? 2 : 1);
});
