// Unit tests (engine/store): which better-sqlite3 build a process loads — Node's own, or the Electron-ABI one (store/native.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  abiFolder,
  currentRuntime,
  explainLoadError,
  NativeModuleError,
  sqliteBinding,
  sqliteBindingCandidates,
} from '../../../../src/engine/store/native.js';
import { openDb } from '../../../../src/engine/store/db.js';
import { tempDir } from '../../../helpers/tmp.js';

const node = { modules: '115', platform: 'linux', arch: 'x64' };
const electron = { ...node, electron: '39.8.10', modules: '140' };

test('under Node the default build in node_modules is used', () => {
  assert.equal(
    sqliteBinding(node, '/app', undefined, () => true),
    undefined,
  );
  // This very process is Node: the library opens with the default addon.
  assert.equal(currentRuntime().electron, undefined);
  const db = openDb(join(tempDir(), 'lib.db'));
  assert.equal((db.pragma('user_version', { simple: true }) as number) > 0, true);
  db.close();
});

test("under Electron the build for Electron's ABI is chosen, a packaged app's resources first", () => {
  assert.equal(abiFolder(electron), 'electron-abi140-linux-x64');
  const [packaged, dev] = sqliteBindingCandidates(electron, '/app', '/opt/Facelens/resources');
  assert.equal(packaged, '/opt/Facelens/resources/native/better-sqlite3/electron-abi140-linux-x64/better_sqlite3.node');
  assert.equal(dev, '/app/native/better-sqlite3/electron-abi140-linux-x64/better_sqlite3.node');
  assert.equal(
    sqliteBinding(electron, '/app', '/opt/Facelens/resources', (p) => p === dev),
    dev,
  );
  assert.equal(
    sqliteBinding(electron, '/app', '/opt/Facelens/resources', () => true),
    packaged,
  );
});

test('under Electron with no Electron build, the error says what is missing and the command that makes it', () => {
  assert.throws(
    () => sqliteBinding(electron, '/app', undefined, () => false),
    (err: unknown) => {
      assert.ok(err instanceof NativeModuleError);
      assert.match(err.why, /Electron 39\.8\.10 \(ABI 140\)/);
      assert.match(err.fix, /npm run electron:native/);
      return true;
    },
  );
});

test('an ABI mismatch while loading becomes a readable error; other errors pass through', () => {
  const mismatch = new Error(
    "The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 140. Please try re-compiling",
  );
  const e = explainLoadError(mismatch, 'better-sqlite3');
  assert.ok(e instanceof NativeModuleError);
  assert.match(e.why, /ABI 115, this one needs 140/);
  assert.match(e.fix, /npm rebuild better-sqlite3/); // this test runs under Node
  assert.ok(
    explainLoadError(new Error('/x/y.node: invalid ELF header'), 'better-sqlite3') instanceof NativeModuleError,
  );
  assert.equal(explainLoadError(new Error('SQLITE_CANTOPEN'), 'better-sqlite3'), undefined);
});
