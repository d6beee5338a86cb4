// Unit tests (server): when and how the web door is opened in a browser, and that no secret reaches a command line.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { browserOpener, openInBrowser, writeForwardPage } from '../../../src/server/browser.js';

test('each platform has its opener; Linux needs a display and xdg-open', () => {
  assert.deepEqual(browserOpener('/f.html', 'darwin', {}), { cmd: 'open', args: ['/f.html'] });
  assert.deepEqual(browserOpener('/f.html', 'win32', {}), { cmd: 'explorer.exe', args: ['/f.html'] });
  assert.match(
    (browserOpener('/f.html', 'linux', {}, () => true) as { reason: string }).reason,
    /no graphical display/,
  );
  assert.match(
    (browserOpener('/f.html', 'linux', { DISPLAY: ':0' }, () => false) as { reason: string }).reason,
    /xdg-open is not installed/,
  );
  assert.deepEqual(
    browserOpener('/f.html', 'linux', { WAYLAND_DISPLAY: 'wayland-0' }, () => true),
    {
      cmd: 'xdg-open',
      args: ['/f.html'],
    },
  );
});

test('the browser gets a private page that forwards to the address; the address never reaches a command line', () => {
  const url = 'http://127.0.0.1:1234/?t=SECRET-token_1';
  const { page, cleanup } = writeForwardPage(url);
  try {
    assert.equal(statSync(page).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(page)).mode & 0o777, 0o700);
    assert.match(readFileSync(page, 'utf8'), /content="0;url='http:\/\/127\.0\.0\.1:1234\/\?t=SECRET-token_1'"/);
  } finally {
    cleanup();
  }
  assert.ok(!existsSync(page));
  let handed: string | undefined;
  const r = openInBrowser(url, (file) => {
    handed = file;
    return { reason: 'no graphical display here' };
  });
  assert.ok(handed && !handed.includes('SECRET'), 'the opener is given a file path, not the address');
  assert.match(r.message, /Not opening a browser: no graphical display here\. Open the address above/);
  assert.ok(!existsSync(handed), 'nothing left behind when no browser opens');
});

test('markup in an address cannot break out of the forwarding page', () => {
  const { page, cleanup } = writeForwardPage(`http://127.0.0.1:1/?t=a'"><script>x</script>`);
  try {
    const html = readFileSync(page, 'utf8');
    assert.doesNotMatch(html, /<script>/);
    assert.ok(html.includes(`url='http://127.0.0.1:1/?t=a%27%22%3E%3Cscript%3Ex%3C/script%3E'"`), html);
  } finally {
    cleanup();
  }
});

test('the forwarding page keeps the token in the fragment of the address it opens', () => {
  const { page, cleanup } = writeForwardPage('http://127.0.0.1:1234/#t=SECRET-token_1');
  try {
    assert.match(readFileSync(page, 'utf8'), /content="0;url='http:\/\/127\.0\.0\.1:1234\/#t=SECRET-token_1'"/);
  } finally {
    cleanup();
  }
});
