// A fake of the `electron` main-process API, just enough to run electron/main/main.ts in plain Node.
// It reports what the app does to the test over the IPC channel of a forked process, and takes commands
// (an IPC call from the window, a tray click, closing the window, a second instance, Quit) the same way.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const report = (message) => process.send?.(message);

// FAKE_ELECTRON_RESOURCES_PATH plays a packaged app: the folder beside app.asar.
if (process.env.FAKE_ELECTRON_RESOURCES_PATH) process.resourcesPath = process.env.FAKE_ELECTRON_RESOURCES_PATH;

class FakeApp extends EventEmitter {
  isPackaged = Boolean(process.env.FAKE_ELECTRON_RESOURCES_PATH);
  setPath(name, value) {
    report({ type: 'set-path', name, value });
  }
  requestSingleInstanceLock() {
    return process.env.FAKE_ELECTRON_LOCK !== 'taken';
  }
  whenReady() {
    return Promise.resolve();
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.exit(0);
  }
  exit(code = 0) {
    report({ type: 'exit', code });
    // Let the report leave before the process does.
    setImmediate(() => process.exit(code));
  }
}
export const app = new FakeApp();

let nextId = 1;
class FakeWebContents extends EventEmitter {
  id = nextId++;
  url = 'about:blank';
  windowOpenHandler = undefined;
  get mainFrame() {
    return { url: this.url, parent: null };
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return false;
  }
  send(channel, message) {
    report({ type: 'send', channel, name: message?.name });
  }
}

const windows = new Set();
export class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return [...windows];
  }
  destroyed = false;
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    windows.add(this);
    app.emit('web-contents-created', {}, this.webContents);
    report({ type: 'window', webPreferences: options.webPreferences, preloadExists: fs.existsSync(options.webPreferences.preload) });
  }
  async loadFile(file) {
    this.webContents.url = pathToFileURL(file).href;
    report({ type: 'load-file', file });
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  show() {}
  focus() {
    report({ type: 'focus' });
  }
  close() {
    this.destroyed = true;
    windows.delete(this);
    this.emit('closed');
    // Electron quits when the last window closes, unless someone listens for this.
    if (windows.size === 0 && app.emit('window-all-closed') === false) app.quit();
  }
}

const handlers = new Map();
const listeners = new Map();
export const ipcMain = { handle: (channel, handler) => handlers.set(channel, handler), on: (channel, listener) => listeners.set(channel, listener) };

export const Menu = { buildFromTemplate: (template) => ({ template }) };

const trays = [];
const latestTray = () => trays.at(-1);
export class Tray extends EventEmitter {
  menu = { template: [] };
  destroyed = false;
  constructor(image) {
    super();
    trays.push(this);
    report({ type: 'tray', iconExists: fs.existsSync(image.path) });
  }
  setContextMenu(menu) {
    this.menu = menu;
  }
  setToolTip(text) {
    this.toolTip = text;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}

export const nativeImage = { createFromPath: (path) => ({ path }) };

let headersListener;
export const session = { defaultSession: { webRequest: { onHeadersReceived: (listener) => (headersListener = listener) } } };

export const shell = { openExternal: async (url) => report({ type: 'open-external', url }) };

/** A desktop notification: reported when shown; `click` can be emitted by the test through the latest one. */
export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    report({ type: 'notification', title: this.options.title, body: this.options.body });
  }
}

export const dialog = { showErrorBox: (title, message) => report({ type: 'error-box', title, message }) };

function describeMenu(items) {
  return items.map((item) => ({ label: item.label ?? item.type, enabled: item.enabled !== false, submenu: Array.isArray(item.submenu) ? describeMenu(item.submenu) : undefined }));
}

function findItem(items, labels) {
  const [first, ...rest] = labels;
  const item = items.find((i) => i.label === first || (first instanceof Object && new RegExp(first.pattern).test(i.label ?? '')));
  if (!item) throw new Error(`no menu item ${JSON.stringify(first)}`);
  return rest.length === 0 ? item : findItem(item.submenu, rest);
}

const commands = {
  invoke: async ({ method, args, sender }) => {
    const [window] = windows;
    const contents = sender === 'other' || !window ? new FakeWebContents() : window.webContents;
    const senderFrame = sender === 'iframe' ? { url: contents.url, parent: contents.mainFrame } : contents.mainFrame;
    return handlers.get('switchboard:invoke')({ sender: contents, senderFrame }, method, args);
  },
  ready: ({ sender }) => {
    const [window] = windows;
    const contents = sender === 'other' || !window ? new FakeWebContents() : window.webContents;
    listeners.get('switchboard:ready')({ sender: contents, senderFrame: contents.mainFrame });
    return null;
  },
  tray: () => ({ toolTip: latestTray()?.toolTip, menu: describeMenu(latestTray()?.menu.template ?? []) }),
  'tray-click': ({ path }) => {
    findItem(latestTray().menu.template, path).click();
    return null;
  },
  'close-window': () => {
    for (const window of windows) window.close();
    return windows.size;
  },
  'second-instance': () => {
    app.emit('second-instance', {}, [], process.cwd());
    return windows.size;
  },
  navigate: ({ url }) => {
    const [window] = windows;
    let prevented = false;
    window.webContents.emit('will-navigate', { url, preventDefault: () => (prevented = true) }, url);
    const opened = window.webContents.windowOpenHandler({ url });
    return { navigationPrevented: prevented, windowOpen: opened.action };
  },
  headers: ({ responseHeaders }) => new Promise((resolve) => headersListener({ url: 'file:///index.html', responseHeaders }, (response) => resolve(response))),
  quit: () => {
    app.quit();
    return null;
  },
};

process.on('message', async ({ id, command, ...args }) => {
  try {
    report({ id, value: await commands[command](args) });
  } catch (error) {
    report({ id, error: String(error) });
  }
});
