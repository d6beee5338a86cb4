// Main (Electron): composition only — one secure window, menus, the facelens:// protocol, folder picking, and the bridge to the engine process.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  session,
  utilityProcess,
  type UtilityProcess,
} from 'electron';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Method } from '../shared/contract.js';
import { fail, type Result } from '../shared/result.js';
import { staticFile } from '../server/static.js';
import { registerContract } from './ipc.js';
import { lockDown, lockSession, secureWebPreferences } from './security.js';
import { buildMenu } from './menu.js';

const here = fileURLToPath(new URL('.', import.meta.url)); // dist/src/main
const rendererDir = join(here, '..', '..', 'renderer'); // dist/renderer
let engine: UtilityProcess | undefined;
let win: BrowserWindow | undefined;
let nextId = 1;
const pending = new Map<number, (v: unknown) => void>();

protocol.registerSchemesAsPrivileged([
  { scheme: 'facelens', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function ask<T>(msg: Record<string, unknown>): Promise<T> {
  return new Promise((resolve) => {
    if (!engine) return resolve({ ok: false, error: { code: 'engine', message: 'the engine is not running' } } as T);
    const id = nextId++;
    pending.set(id, resolve as (v: unknown) => void);
    engine.postMessage({ ...msg, id });
  });
}
const callEngine = (method: Method, args: unknown) => ask<Result<unknown>>({ method, args });

function startEngine(): void {
  engine = utilityProcess.fork(join(here, 'engine-process.js'), [], {
    serviceName: 'Facelens engine',
    stdio: 'inherit',
  });
  engine.on(
    'message',
    (m: { id?: number; result?: unknown; path?: string | null; event?: string; payload?: unknown }) => {
      if (m.id !== undefined) {
        pending.get(m.id)?.(m.result ?? m.path);
        pending.delete(m.id);
      } else if (m.event) win?.webContents.send(`facelens:event:${m.event}`, m.payload);
    },
  );
  engine.on('exit', (code) => {
    for (const resolve of pending.values()) resolve(fail('engine', `the engine stopped (exit ${code})`));
    pending.clear();
    engine = undefined;
  });
}

/** facelens://app/... is the built renderer (never a path outside it); facelens://thumb/N and /photo/N ask the engine. */
function registerProtocol(): void {
  protocol.handle('facelens', async (req) => {
    const url = new URL(req.url);
    if (url.host === 'app') {
      const file = staticFile(rendererDir, url.pathname);
      return file ? net.fetch(pathToFileURL(file).href) : new Response('not found', { status: 404 });
    }
    const id = Number(url.pathname.slice(1));
    if ((url.host === 'thumb' || url.host === 'photo') && Number.isSafeInteger(id) && id > 0) {
      const path = await ask<string | null>({ file: url.host, key: id });
      if (path) return net.fetch(pathToFileURL(path).href);
    }
    return new Response('not found', { status: 404 });
  });
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1320,
    height: 860,
    show: false,
    title: 'Facelens',
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  lockDown(win.webContents);
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = undefined));
  void win.loadURL('facelens://app/index.html#/library');
}

async function pickFolders(): Promise<string[]> {
  const r = await dialog.showOpenDialog(win!, {
    properties: ['openDirectory', 'multiSelections'],
    title: 'Add photo folders',
  });
  return r.canceled ? [] : r.filePaths;
}

if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', () => win?.focus());
app.enableSandbox();
app.whenReady().then(() => {
  lockSession(session.defaultSession);
  registerProtocol();
  startEngine();
  registerContract(ipcMain, (id) => win?.webContents.id === id, callEngine);
  ipcMain.handle('facelens:pickFolders', (e) => (win && e.sender.id === win.webContents.id ? pickFolders() : []));
  Menu.setApplicationMenu(
    buildMenu({
      addFolders: async () => {
        const paths = await pickFolders();
        if (paths.length) await callEngine('library.addFolders', { paths });
      },
      undo: () => void callEngine('history.undo', {}),
      redo: () => void callEngine('history.redo', {}),
      go: (page) => void win?.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#/${page}`)}`),
    }),
  );
  createWindow();
});
app.on('window-all-closed', () => {
  engine?.kill();
  app.quit();
});
