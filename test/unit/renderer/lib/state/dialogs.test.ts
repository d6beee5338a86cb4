// Test (unit, renderer state): the app's own dialogs answer what the user did: text, OK, or "no" on Cancel, Escape or a newer question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../../helpers/svelte.js';

const { Dialogs } = await import('../../../../../renderer/src/lib/state/dialogs.svelte.js');

test('a prompt answers the text typed, empty included; Cancel answers undefined', async () => {
  const dialogs = new Dialogs();
  const open = () => dialogs.current; // read afresh each time (an assert would narrow the getter's type)
  assert.equal(open(), undefined);
  const named = dialogs.prompt({ title: 'Split', label: 'Name', ok: 'Split' });
  assert.equal(open()?.kind, 'prompt');
  assert.equal(open()?.title, 'Split');
  dialogs.answer('  Ada ');
  assert.equal(await named, '  Ada ', 'the caller trims: the dialog gives back what was typed');
  assert.equal(dialogs.current, undefined);

  const empty = dialogs.prompt({ title: 'Split', label: 'Name', ok: 'Split' });
  dialogs.answer('');
  assert.equal(await empty, '', 'OK with an empty box is not a cancel');

  const cancelled = dialogs.prompt({ title: 'Split', label: 'Name', ok: 'Split' });
  dialogs.cancel();
  assert.equal(await cancelled, undefined);
  assert.equal(dialogs.current, undefined);
});

test('a confirm is true only on OK; a second question answers the first "no"', async () => {
  const dialogs = new Dialogs();
  const yes = dialogs.confirm({ title: 'Remove?', ok: 'Remove', danger: true });
  dialogs.answer();
  assert.equal(await yes, true);

  const first = dialogs.confirm({ title: 'Remove A?', ok: 'Remove' });
  const second = dialogs.prompt({ title: 'Name', label: 'Name', ok: 'OK' });
  assert.equal(await first, false);
  assert.equal(dialogs.current?.title, 'Name');
  dialogs.cancel();
  assert.equal(await second, undefined);
  dialogs.answer(); // nothing open: nothing happens
  assert.equal(dialogs.current, undefined);
});
