// Integration test (attack suite, finding 2): oversized and malformed WebSocket frames on the built `facelens serve`'s event socket.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import { json, skipUnlessServable, sleep, startServe } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessServable();

const closed = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    ws.on('error', () => undefined);
    ws.once('close', (code) => resolve(code));
  });

/** A raw upgrade on a plain TCP socket, then `frame` written as is; resolves when the server ends the connection. */
function rawFrame(port: number, headers: string, frame: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n') && !sock.destroyed && got.startsWith('HTTP/1.1 101')) sock.write(frame);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
    sock.write(
      `GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${headers}\r\n`,
    );
    setTimeout(() => sock.destroy(), 5_000);
  });
}

describe('finding 2: a bad event-socket message closes that socket only', { skip }, () => {
  const dir = skip ? '' : tempDir('facelens-attack-socket-');

  test('a 10 MB message (over the 4 KB limit) closes its socket; the server and the other sockets live on', async () => {
    const s = await startServe(join(dir, 'a', 'library.db'));
    after(() => s.stop('SIGKILL'));
    const bystander = await s.events();
    const attacker = await s.events();
    const attackerClosed = closed(attacker);
    attacker.send(Buffer.alloc(10 << 20, 0x41));
    bystander.on('error', () => undefined);
    const code = await attackerClosed;
    await sleep(200);
    assert.ok(s.alive(), `the server died:\n${s.log()}`);
    assert.equal(code, 1009, 'closed as "message too big"');
    // The bystander still hears events.
    const heard = new Promise<string>((r) => bystander.once('message', (m) => r(String(m))));
    assert.equal(json(await s.api('history.undo')).ok, true);
    assert.match(await heard, /people\.changed/);
    bystander.close();
  });

  test('malformed frames (bad opcode, unmasked, reserved bits, a lying length) close their connection only', async () => {
    const s = await startServe(join(dir, 'b', 'library.db'));
    after(() => s.stop('SIGKILL'));
    const auth = `Cookie: ${await s.cookie()}\r\n`;
    const frames = [
      Buffer.from([0x83, 0x80, 1, 2, 3, 4]), // opcode 3 (reserved), masked, empty
      Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]), // a client text frame without a mask
      Buffer.from([0xf1, 0x80, 1, 2, 3, 4]), // RSV1-3 set
      Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]), // 2^63-1 bytes promised
      Buffer.from([0x88, 0x82, 1, 2, 3, 4, 0x03, 0xe9 ^ 2]), // close with a bad code
    ];
    for (const f of frames) {
      const first = await rawFrame(s.port, auth, f);
      await sleep(200);
      assert.ok(s.alive(), `the server died on frame ${f.toString('hex')}:\n${s.log()}`);
      assert.equal(first, 'HTTP/1.1 101 Switching Protocols', 'the socket was open when the frame went');
    }
    assert.equal(json(await s.api('app.status')).ok, true);
  });
});
