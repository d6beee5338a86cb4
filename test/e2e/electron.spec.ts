// Test (e2e): the real Electron app through Playwright's _electron, when the Electron binary is installed; otherwise skipped with the reason.
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './door.js';

function electronBinary(): string | undefined {
  const pathFile = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

const bin = electronBinary();
const built =
  existsSync(join(ROOT, 'dist', 'src', 'main', 'main.js')) && existsSync(join(ROOT, 'dist', 'renderer', 'index.html'));
test.skip(
  !bin,
  "Electron's binary is not installed (node_modules/electron/path.txt is missing: installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); the web-door spec covers the same UI",
);
test.skip(!built, 'the app is not built: run `npm run build` first');

test('the desktop app opens one secure window showing the library', async () => {
  const home = mkdtempSync(join(tmpdir(), 'facelens-electron-'));
  const app = await electron.launch({
    executablePath: bin!,
    args: [ROOT, '--no-sandbox'],
    env: { ...process.env, FACELENS_HOME: home },
  });
  try {
    const win = await app.firstWindow();
    await expect(win.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    // contextIsolation + sandbox + no nodeIntegration: the page sees the preload's API and nothing of Node.
    const seen = await win.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (globalThis as unknown as { process?: unknown }).process,
      api: Object.keys((window as unknown as { facelens: Record<string, unknown> }).facelens).sort(),
      opened: window.open('https://example.com') === null,
    }));
    expect(seen).toEqual({
      require: 'undefined',
      process: 'undefined',
      api: ['api', 'on', 'pathsOfDrop', 'photoUrl', 'pickFile', 'pickFolders', 'thumbUrl'],
      opened: true,
    });
    // Navigation away from the app is denied.
    await win.evaluate(() => void (location.href = 'https://example.com/'));
    await win.waitForTimeout(500);
    expect(win.url()).toMatch(/^facelens:\/\/app\//);
    // Calls go through the contract: a real answer from the engine process.
    const status = await win.evaluate(async () =>
      (
        window as unknown as { facelens: { api: { app: { status(a: object): Promise<unknown> } } } }
      ).facelens.api.app.status({}),
    );
    expect(status).toMatchObject({ ok: true, value: { door: 'electron' } });
    await test.info().attach('electron', { body: await win.screenshot(), contentType: 'image/png' });
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
