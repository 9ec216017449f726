/**
 * A hand-written fake of the `electron` module for the shell's unit tests
 * (the Electron binary cannot run on CI). It records every call that matters
 * and lets a test play the OS: click the tray, close the window, resume from
 * sleep, launch a second instance, invoke IPC from any frame.
 *
 * Use: `vi.mock('electron', async () => (await import('../support/fakeElectron')).electronModule);`
 * then `resetFakeElectron()` in beforeEach and drive `fake`.
 */
import { fork as forkNode, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

export interface RecordedCall {
  api: string;
  method: string;
  args: unknown[];
}

interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
export function preventable(): PreventableEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

function record(api: string, method: string, args: unknown[]): void {
  fake.calls.push({ api, method, args });
}

let nextFrameId = 1;
export class FakeFrame {
  parent: FakeFrame | null = null;
  readonly frameTreeNodeId = nextFrameId++;
  readonly processId = 7;
  readonly routingId = this.frameTreeNodeId;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  readonly mainFrame = new FakeFrame('');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  /** Records, then delivers to the preload's listeners as Electron would: a structured clone, with an event first. */
  send(channel: string, payload: unknown): void {
    record('webContents', 'send', [channel, payload]);
    this.sent.push({ channel, payload });
    for (const listener of fake.rendererListeners.get(channel) ?? []) listener({ sender: null, ports: [] }, structuredClone(payload));
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The renderer finished loading `url` (what loadURL leads to). */
  finishLoad(url: string): void {
    this.mainFrame.url = url;
    this.emit('did-start-loading');
    this.emit('did-finish-load');
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  minimized = false;
  focused = false;
  loadedUrl: string | null = null;
  bounds: { x: number; y: number; width: number; height: number };
  constructor(readonly options: Record<string, unknown>) {
    super();
    record('BrowserWindow', 'constructor', [options]);
    this.bounds = {
      x: (options.x as number | undefined) ?? 100,
      y: (options.y as number | undefined) ?? 100,
      width: (options.width as number | undefined) ?? 800,
      height: (options.height as number | undefined) ?? 600,
    };
    FakeBrowserWindow.instances.push(this);
    fake.app.emit('web-contents-created', preventable(), this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    record('BrowserWindow', 'loadURL', [url]);
    this.loadedUrl = url;
    this.webContents.finishLoad(url);
  }
  show(): void {
    record('BrowserWindow', 'show', []);
    this.visible = true;
    this.emit('show');
  }
  hide(): void {
    record('BrowserWindow', 'hide', []);
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
    this.emit('focus');
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isFullScreen(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  /** The user pressed the close button (or the app closes it). */
  close(): void {
    const event = preventable();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: unknown;
  tooltip = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    record('Tray', 'constructor', [image]);
    FakeTray.instances.push(this);
  }
  setImage(image: unknown): void {
    record('Tray', 'setImage', [image]);
    this.image = image;
  }
  setToolTip(tooltip: string): void {
    record('Tray', 'setToolTip', [tooltip]);
    this.tooltip = tooltip;
  }
  setContextMenu(menu: FakeMenu): void {
    record('Tray', 'setContextMenu', [menu]);
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Clicks the context-menu item with this label. */
  clickMenuItem(label: string): void {
    const item = this.menu?.items.find((i) => i.label === label);
    if (!item?.click) throw new Error(`No clickable tray menu item "${label}" (have: ${this.menu?.items.map((i) => i.label).join(', ')})`);
    item.click();
  }
}

interface FakeMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}
export class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}
  static buildFromTemplate(template: FakeMenuItem[]): FakeMenu {
    record('Menu', 'buildFromTemplate', [template]);
    return new FakeMenu(template);
  }
  static setApplicationMenu(menu: unknown): void {
    record('Menu', 'setApplicationMenu', [menu]);
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  shown = false;
  closed = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
    record('Notification', 'constructor', [options]);
    FakeNotification.instances.push(this);
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  show(): void {
    record('Notification', 'show', [this.options]);
    this.shown = true;
  }
  close(): void {
    this.closed = true;
    this.emit('close', preventable());
  }
  click(): void {
    this.emit('click', preventable());
  }
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke does: runs the handler with a sender event. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstanceLock = true;
  quitCount = 0;
  exited = false;
  badgeCount: number | null = null;
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  paths: Record<string, string> = {
    userData: '/nonexistent-user-data',
    appData: '/nonexistent-app-data',
    home: '/home/nurse',
    desktop: '/home/nurse/Desktop',
    documents: '/home/nurse/Documents',
    downloads: '/home/nurse/Downloads',
    logs: '/nonexistent-user-data/logs',
  };
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(name: string): string {
    const path = this.paths[name];
    if (!path) throw new Error(`Unknown path ${name}`);
    return path;
  }
  setPath(name: string, path: string): void {
    this.paths[name] = path;
  }
  appPath = '/fake/app';
  getAppPath(): string {
    return this.appPath;
  }
  getVersion(): string {
    return '0.1.0';
  }
  /** Like Electron: emits before-quit; quits unless a listener prevents it. */
  quit(): void {
    record('app', 'quit', []);
    const event = preventable();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitCount++;
  }
  exit(code: number): void {
    record('app', 'exit', [code]);
    this.exited = true;
  }
  setBadgeCount(count: number): boolean {
    record('app', 'setBadgeCount', [count]);
    this.badgeCount = count;
    return true;
  }
  setAppUserModelId(id: string): void {
    record('app', 'setAppUserModelId', [id]);
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    record('app', 'setLoginItemSettings', [settings]);
    this.loginItem.openAtLogin = settings.openAtLogin;
  }
  getLoginItemSettings() {
    return { ...this.loginItem };
  }
}

/**
 * Electron's UtilityProcess over a real Node child process (the core's host entry is
 * Electron-free; without `process.parentPort` it answers over the IPC channel).
 */
export class FakeUtilityProcess extends EventEmitter {
  static instances: FakeUtilityProcess[] = [];
  readonly child: ChildProcess;

  constructor(
    readonly modulePath: string,
    readonly options: Record<string, unknown>,
  ) {
    super();
    this.child = forkNode(modulePath, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('exit', (code) => this.emit('exit', code ?? 1));
    FakeUtilityProcess.instances.push(this);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as never);
  }

  kill(): boolean {
    return this.child.kill();
  }
}

function createFakeState() {
  const rendererListeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  return {
    calls: [] as RecordedCall[],
    app: new FakeApp(),
    ipcMain: new FakeIpcMain(),
    powerMonitor: new EventEmitter(),
    online: true,
    encryptionAvailable: true,
    /** What safeStorage.getSelectedStorageBackend() answers (Linux). */
    storageBackend: 'gnome_libsecret',
    dialogResult: { canceled: true, filePaths: [] as string[] },
    /** What the save dialog answers (Save diagnostics…). */
    saveDialogResult: { canceled: true, filePath: '' },
    messageBoxResponse: 1,
    displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    privilegedSchemes: [] as unknown[],
    permissionRequestHandler: null as null | ((...args: unknown[]) => void),
    permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
    headersListener: null as null | ((details: unknown, callback: (response: unknown) => void) => void),
    /** What session.resolveProxy answers (PAC style), per URL; every URL asked is recorded. */
    proxyAnswer: (_url: string): string => 'DIRECT',
    proxyQueries: [] as string[],
    exposed: new Map<string, unknown>(),
    rendererListeners,
    /** What the preload's ipcRenderer.invoke reaches: by default our window's main frame. */
    rendererInvokeEvent: null as unknown,
  };
}

export let fake = createFakeState();

export function resetFakeElectron(): void {
  fake = createFakeState();
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  for (const host of FakeUtilityProcess.instances.splice(0)) if (host.child.exitCode === null) host.child.kill('SIGKILL');
}

/** The `electron` module as main and preload see it. Getters read the current fake state. */
export const electronModule = {
  get app() {
    return fake.app;
  },
  get ipcMain() {
    return fake.ipcMain;
  },
  get powerMonitor() {
    return fake.powerMonitor;
  },
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  utilityProcess: {
    fork: (modulePath: string, _args: string[] = [], options: Record<string, unknown> = {}) => new FakeUtilityProcess(modulePath, options),
  },
  Menu: FakeMenu,
  Notification: FakeNotification,
  net: {
    isOnline: () => fake.online,
  },
  safeStorage: {
    isEncryptionAvailable: () => fake.encryptionAvailable,
    getSelectedStorageBackend: () => fake.storageBackend,
    // Not real encryption: reversible, and visibly not the plain text.
    encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text, 'utf8').toString('hex')}`, 'utf8'),
    decryptString: (data: Buffer) => {
      const text = data.toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(text.slice(4), 'hex').toString('utf8');
    },
  },
  dialog: {
    showOpenDialog: async (...args: unknown[]) => {
      record('dialog', 'showOpenDialog', args);
      return fake.dialogResult;
    },
    showSaveDialog: async (...args: unknown[]) => {
      record('dialog', 'showSaveDialog', args);
      return fake.saveDialogResult;
    },
    /** Confirms (the second button) unless a test sets fake.messageBoxResponse. */
    showMessageBox: async (...args: unknown[]) => {
      record('dialog', 'showMessageBox', args);
      return { response: fake.messageBoxResponse, checkboxChecked: false };
    },
  },
  shell: {
    showItemInFolder: (path: string) => record('shell', 'showItemInFolder', [path]),
    openExternal: async (url: string) => record('shell', 'openExternal', [url]),
    openPath: async (path: string) => {
      record('shell', 'openPath', [path]);
      return '';
    },
  },
  screen: {
    getAllDisplays: () => fake.displays,
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => {
      fake.privilegedSchemes.push(...schemes);
    },
    handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
      fake.protocolHandlers.set(scheme, handler);
    },
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => {
        fake.permissionRequestHandler = handler;
      },
      setPermissionCheckHandler: (handler: (...args: unknown[]) => boolean) => {
        fake.permissionCheckHandler = handler;
      },
      resolveProxy: (url: string) => {
        fake.proxyQueries.push(url);
        return Promise.resolve(fake.proxyAnswer(url));
      },
      webRequest: {
        onHeadersReceived: (listener: (details: unknown, callback: (response: unknown) => void) => void) => {
          fake.headersListener = listener;
        },
      },
    },
  },
  nativeImage: {
    createFromPath: (path: string) => ({ path }),
  },
  webUtils: {
    getPathForFile: (file: { path?: string }) => {
      if (typeof file?.path !== 'string') throw new TypeError('Not a File');
      return file.path;
    },
  },
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      record('contextBridge', 'exposeInMainWorld', [key]);
      fake.exposed.set(key, api);
    },
  },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => fake.ipcMain.invoke(channel, fake.rendererInvokeEvent, ...args),
    send: (channel: string, ...args: unknown[]) => void fake.ipcMain.emit(channel, fake.rendererInvokeEvent, ...args),
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      const set = fake.rendererListeners.get(channel) ?? new Set();
      set.add(listener);
      fake.rendererListeners.set(channel, set);
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      fake.rendererListeners.get(channel)?.delete(listener);
    },
  },
};

/** Every payload main sent to any window, for leak scans. */
export function allSentPayloads(): unknown[] {
  return FakeBrowserWindow.instances.flatMap((w) => w.webContents.sent.map((s) => s.payload));
}

/** An IPC event as Electron builds it for a message from this window's main frame (or another frame). */
export function ipcEventFrom(window: FakeBrowserWindow, frame: FakeFrame = window.webContents.mainFrame) {
  return { sender: window.webContents, senderFrame: frame, processId: 1, frameId: 1 };
}
