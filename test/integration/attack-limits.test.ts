// Integration test (attack suite, finding 4): the web door's limits — body size, concurrent uploads, pending calls — and memory after uploads.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EngineClient } from '../../src/engine/host/client.js';
import { workerChild } from '../../src/server/engine-thread.js';
import { startWebDoor } from '../../src/server/server.js';
import { json, rawHttp, skipUnlessServable, sleep, startServe } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessServable();
const MB = 1 << 20;

/** A verify.images body of about `mb` megabytes (two uploads of junk base64: valid JSON, not images). */
function uploadBody(mb: number): Buffer {
  const each = Math.floor((mb * MB) / 2 / 4) * 4;
  const b64 = 'QUJD'.repeat(each / 4);
  return Buffer.from(
    JSON.stringify({ args: { a: { name: 'a.jpg', base64: b64 }, b: { name: 'b.jpg', base64: b64 } } }),
  );
}

describe('finding 4: limits per door', { skip }, () => {
  const dir = skip ? '' : tempDir('facelens-attack-limits-');

  test('8 concurrent 50 MB uploads: the ones over the limit answer 429, and memory comes back after', async (t) => {
    const s = await startServe(join(dir, 'a', 'library.db'));
    after(() => s.stop('SIGKILL'));
    await sleep(1000);
    const baseline = s.rss();
    const body = uploadBody(50);
    let peak = baseline;
    const watch = setInterval(() => (peak = Math.max(peak, s.alive() ? s.rss() : 0)), 50);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () =>
        rawHttp(s.port, '/api/verify.images', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` },
          body,
          timeoutMs: 120_000,
        }).then(
          (r) => r.status,
          (e: Error) => e.message,
        ),
      ),
    );
    clearInterval(watch);
    assert.ok(s.alive(), s.log());
    await sleep(2000);
    const settled = s.rss();
    const text = `baseline ${Math.round(baseline / MB)} MB, peak ${Math.round(peak / MB)} MB, after ${Math.round(settled / MB)} MB; answers ${statuses.join(',')}`;
    t.diagnostic(text);
    assert.ok(statuses.includes(429), `some uploads must wait their turn: ${text}`);
    for (const st of statuses) assert.ok(st === 429 || st === 400, `each answers 400 (not an image) or 429: ${text}`);
    assert.ok(peak - baseline < 600 * MB, `peak over baseline + 600 MB: ${text}`);
    assert.ok(settled - baseline < 150 * MB, `memory did not come back: ${text}`);
    assert.equal(json(await s.api('app.status')).ok, true);
  });

  test('a chunked body over the limit answers 413 (not a reset connection), and the door lives on', async () => {
    const s = await startServe(join(dir, 'b', 'library.db'));
    after(() => s.stop('SIGKILL'));
    const status = await new Promise<number | string>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: s.port,
          path: '/api/app.status',
          method: 'POST',
          agent: false,
          headers: {
            Host: `127.0.0.1:${s.port}`,
            'Content-Type': 'application/json',
            Authorization: `Bearer ${s.token}`,
            'Transfer-Encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (e) => resolve(e.message));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 4 * MB) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    const declared = await rawHttp(s.port, '/api/app.status', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${s.token}`,
        'Content-Length': String(1 << 30),
      },
      body: '{}',
      timeoutMs: 5_000,
    }).then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    assert.equal(declared, 413, 'a declared length over the limit is refused before it is read');
    assert.ok(s.alive());
  });

  test('more calls than the engine client may hold answer 429 busy, and none is left pending', async () => {
    const client = new EngineClient(() => workerChild({ dbPath: join(dir, 'c', 'library.db'), checkResults: false }), {
      maxPending: 4,
    });
    await client.ready();
    const door = await startWebDoor({ host: client, staticDir: join(dir, 'none') });
    after(async () => {
      await door.close();
      await client.close();
    });
    const call = () =>
      rawHttp(door.port, '/api/library.stats', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${door.token}` },
        body: '{"args":{}}',
      });
    const answers = await Promise.all(Array.from({ length: 60 }, call));
    const statuses = answers.map((r) => r.status);
    assert.ok(statuses.includes(429), statuses.join(','));
    for (const r of answers) {
      if (r.status === 429) assert.equal(json(r).error?.code, 'busy');
      else assert.equal(r.status, 200, r.text);
    }
    assert.equal(client.pending, 0);
  });
});
