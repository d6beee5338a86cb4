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
import { EngineClient, type EngineChild } from '../engine/host/client.js';
import { appFile } from '../engine/contained.js';
import { errorPage } from './error-page.js';
import { registerContract } from './ipc.js';
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
  registerContract(ipcMain, (id) => win?.webContents.id === id, callEngine);
  registerReveal(
    ipcMain,
    (id) => win?.webContents.id === id,
    (photoId) => engine.sourceFile(photoId),
    (path) => shell.showItemInFolder(path),
  );
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
  void engine.close().finally(() => app.quit());
});
