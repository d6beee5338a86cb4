// Engine: where Facelens keeps its data and finds its bundled resources (plain Node, any door).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'Facelens';

/**
 * The user's data folder, the same one Electron's app.getPath('userData') gives, so that the CLI,
 * the web door and the desktop app share one library. FACELENS_HOME overrides it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.FACELENS_HOME) return resolve(env.FACELENS_HOME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultDataDir(env), 'library.db');
}

/** The project root (where package.json and resources/ live), found from this file in src/ or dist/src/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'resources'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('Facelens: cannot find the project root (package.json beside resources/)');
}

/** Folder holding the model files; FACELENS_MODELS overrides it, a packaged app passes its resources path. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FACELENS_MODELS) return resolve(env.FACELENS_MODELS);
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'models'))) return join(packaged, 'models');
  return join(projectRoot(), 'resources', 'models');
}

/** ../shared/data seen from the project root, or FACELENS_DATA; undefined when absent (tests then skip). */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.FACELENS_DATA ? resolve(env.FACELENS_DATA) : resolve(projectRoot(), '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}
