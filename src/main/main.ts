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
  shell,
  utilityProcess,
  type UtilityProcess,
} from 'electron';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Method } from '../shared/contract.js';
import type { Result } from '../shared/result.js';
import { EngineClient, engineProcessEnv, type EngineChild } from '../engine/host/client.js';
import { appFile } from '../engine/contained.js';
import { errorPage } from './error-page.js';
import { registerContract, registerPickers } from './ipc.js';
import { registerReveal } from './reveal.js';
import { lockDown, lockSession, secureWebPreferences } from './security.js';
import { buildMenu } from './menu.js';

const here = fileURLToPath(new URL('.', import.meta.url)); // dist/src/main
const rendererDir = join(here, '..', '..', 'renderer'); // dist/renderer
let win: BrowserWindow | undefined;

protocol.registerSchemesAsPrivileged([
  { scheme: 'facelens', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

/** The engine utilityProcess as the client sees it (see [Note: engine supervision]). */
function engineChild(): EngineChild {
  const child: UtilityProcess = utilityProcess.fork(join(here, 'engine-process.js'), [], {
    serviceName: 'Facelens engine',
    stdio: 'inherit',
    env: engineProcessEnv(process.env),
  });
  return {
    postMessage: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.once('exit', l),
    kill: () => void child.kill(),
  };
}
const engine = new EngineClient(engineChild);
const callEngine = (method: Method, args: unknown): Promise<Result<unknown>> => engine.call(method, args);
engine.onEvent((e) => win?.webContents.send(`facelens:event:${e.event}`, e.payload));
// An engine that cannot run replaces the app with a page saying why and what to do.
engine.onState((s) => {
  if (s === 'failed') win?.webContents.reload();
});

/**
 * facelens://app/... is the built renderer (never a path outside it), or the engine's error page while the engine
 * cannot run; facelens://thumb/N, /photo/N and /photothumb/N ask the engine.
 */
function registerProtocol(): void {
  protocol.handle('facelens', async (req) => {
    const url = new URL(req.url);
    if (url.host === 'app') {
      if (engine.failure && (url.pathname === '/' || url.pathname.endsWith('.html')))
        return new Response(errorPage(engine.failure), { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
      const file = appFile(rendererDir, url.pathname);
      return file ? net.fetch(pathToFileURL(file).href) : new Response('not found', { status: 404 });
    }
    const id = Number(url.pathname.slice(1));
    if (['thumb', 'photo', 'photothumb'].includes(url.host) && Number.isSafeInteger(id) && id > 0) {
      const path =
        url.host === 'thumb'
          ? await engine.thumbFile(id)
          : url.host === 'photo'
            ? await engine.photoFile(id)
            : await engine.photoThumbFile(id);
      // A file that vanished or cannot be read answers 404/410, and a photo's is recorded ([Note: served files]).
      const sent = path ? await net.fetch(pathToFileURL(path).href).catch(() => undefined) : undefined;
      if (sent?.ok) return sent;
      if (url.host === 'photo' && (await engine.photoFileFailed(id, path ? 'EIO' : 'ENOENT')) === 'vanished')
        return new Response('gone', { status: 410 });
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

async function pickFile(): Promise<string[]> {
  const r = await dialog.showOpenDialog(win!, { properties: ['openFile', 'openDirectory'], title: 'Choose' });
  return r.canceled ? [] : r.filePaths;
}

/** Paths the user gave through a dialog or a drop become the engine's to read ([Note: paths are capabilities]). */
async function choose(paths: string[]): Promise<string[]> {
  if (!paths.length) return [];
  const r = await callEngine('files.choose', { paths });
  return r.ok ? (r.value as { path: string }[]).map((c) => c.path) : [];
}

if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', () => win?.focus());
app.enableSandbox();
app.whenReady().then(() => {
  lockSession(session.defaultSession);
  registerProtocol();
  const isAppWindow = (id: number) => win?.webContents.id === id;
  registerContract(ipcMain, isAppWindow, callEngine);
  registerPickers(ipcMain, isAppWindow, { folders: pickFolders, file: pickFile }, choose);
  registerReveal(
    ipcMain,
    isAppWindow,
    (photoId) => engine.sourceFile(photoId),
    (path) => shell.showItemInFolder(path),
  );
  Menu.setApplicationMenu(
    buildMenu({
      addFolders: async () => {
        const paths = await choose(await pickFolders());
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
  void engine.close().finally(() => app.quit());
});
