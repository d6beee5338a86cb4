// Engine (store): which compiled better-sqlite3 addon to load — Node's own build, or the Electron-ABI build made beside it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * [Note: one install, two runtimes] better-sqlite3 is a V8-ABI addon: a build for this Node (the CLI, the web door,
 * the tests) cannot load in Electron's engine process and the reverse. `npm ci` builds it for Node in
 * node_modules as usual, and, when Electron's binary is installed, scripts/electron-native.mjs builds a second copy
 * for Electron's ABI into native/better-sqlite3/<abi>/ (a packaged app carries it in resources/native/). At run
 * time the ABI of the running process picks the file, so neither runtime's build ever replaces the other's.
 * hnswlib-node, onnxruntime-node and sharp use Node-API and load in both unchanged.
 */
export interface Runtime {
  /** process.versions.electron: set only inside Electron. */
  electron?: string;
  /** process.versions.modules: the V8 ABI of the running process. */
  modules: string;
  platform: string;
  arch: string;
}

export const currentRuntime = (): Runtime => ({
  electron: process.versions.electron,
  modules: process.versions.modules,
  platform: process.platform,
  arch: process.arch,
});

/** The folder name of one ABI's build, e.g. `electron-abi140-linux-x64`. */
export function abiFolder(r: Runtime): string {
  return `${r.electron ? 'electron' : 'node'}-abi${r.modules}-${r.platform}-${r.arch}`;
}

export class NativeModuleError extends Error {
  constructor(
    readonly module: string,
    readonly why: string,
    readonly fix: string,
  ) {
    super(
      `${module} cannot load in this ${process.versions.electron ? 'Electron' : 'Node.js'} process: ${why}. ${fix}`,
    );
    this.name = 'NativeModuleError';
  }
}

/** Where the Electron build of better-sqlite3 is looked for: the packaged app's resources first, then the project. */
export function sqliteBindingCandidates(r: Runtime, projectRoot: string, resourcesPath?: string): string[] {
  const rel = join('native', 'better-sqlite3', abiFolder(r), 'better_sqlite3.node');
  return [...(resourcesPath ? [join(resourcesPath, rel)] : []), join(projectRoot, rel)];
}

/**
 * The `nativeBinding` to give better-sqlite3: undefined under Node (its own build in node_modules), the Electron
 * build's path under Electron; a NativeModuleError that says how to make it when there is none.
 */
export function sqliteBinding(
  r: Runtime,
  projectRoot: string,
  resourcesPath?: string,
  exists: (p: string) => boolean = existsSync,
): string | undefined {
  if (!r.electron) return undefined;
  const found = sqliteBindingCandidates(r, projectRoot, resourcesPath).find(exists);
  if (found) return found;
  throw new NativeModuleError(
    'better-sqlite3',
    `no build for Electron ${r.electron} (ABI ${r.modules}) was found in native/better-sqlite3/${abiFolder(r)}`,
    "Run `npm run electron:native` in the Facelens folder (it needs the network once, for Electron's headers or a prebuilt binary), then start Facelens again. The command line and the browser version (`npx facelens serve`) work without it.",
  );
}

/** Turns a failed addon load (an ABI mismatch, a missing shared library) into a NativeModuleError; else undefined. */
export function explainLoadError(err: unknown, module: string): NativeModuleError | undefined {
  const msg = err instanceof Error ? err.message : String(err);
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(msg);
  if (abi)
    return new NativeModuleError(
      module,
      `it was compiled for another runtime (ABI ${abi[1]}, this one needs ${abi[2]})`,
      process.versions.electron
        ? 'Run `npm run electron:native` in the Facelens folder, then start Facelens again.'
        : 'Run `npm rebuild ' +
            module +
            '` in the Facelens folder (a packaging step may have rebuilt it for Electron).',
    );
  if (/cannot open shared object|image not found|not a valid Win32 application|invalid ELF header/i.test(msg))
    return new NativeModuleError(
      module,
      `its compiled file does not load here (${msg.split('\n')[0]})`,
      `Run \`npm rebuild ${module}\`.`,
    );
  return undefined;
}
