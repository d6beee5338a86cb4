// Test helper (renderer state tests): the contract's Api on a real engine host over a temp SQLite library: the doors' contract minus HTTP.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { EngineHost } from '../../../src/engine/host/host.js';
import type { Api, EventName, Method } from '../../../src/shared/contract.js';
import type { Result } from '../../../src/shared/result.js';
import { apiOf } from '../../../renderer/src/lib/api.js';
import { dataPath } from '../../helpers/data.js';

/** What crosses a door: JSON, as the web door's HTTP answers and event socket carry it. */
const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export interface HostApi {
  host: EngineHost;
  /** The renderer's own api object (lib/api.ts apiOf) over the host: calls unwrap Results, `on` hears host events. */
  api: Api;
  dir: string;
}

/**
 * A fresh library in a temp folder, its EngineHost, and the renderer's Api on it; closed and removed when the test
 * file ends (the host first: it saves its index on close).
 */
export async function openHostApi(): Promise<HostApi> {
  const dir = mkdtempSync(join(tmpdir(), 'facelens-renderer-'));
  const host = await EngineHost.open({ dbPath: join(dir, 'library.db'), door: 'web', checkResults: true });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const api = apiOf({
    call: async (method: Method, args: unknown) => wire(await host.call(method, args)) as Result<unknown>,
    on: (event: EventName, listener: (payload: unknown) => void) =>
      host.onEvent((e) => {
        if (e.event === event) listener(wire(e.payload));
      }),
  });
  return { host, api, dir };
}

/** A copy (in `dir`, never in the repo) of a few characters of ../shared/data/fixtures/bbt, five faces each. */
export function bbtCopy(dir: string, characters: string[]): string {
  const to = join(dir, 'photos');
  for (const c of characters) cpSync(dataPath('fixtures', 'bbt', c)!, join(to, c), { recursive: true });
  return to;
}

/** Waits until `check` holds (polling), or fails saying what it waited for. */
export async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
