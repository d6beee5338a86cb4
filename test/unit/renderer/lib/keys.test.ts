// Test (unit, renderer): which keys a focused element keeps from the app's shortcuts ([Note: keys in text boxes]).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appUndoes, typing } from '../../../../renderer/src/lib/keys.js';

/** The few fields of an element the rule reads (node:test has no DOM). */
const el = (tagName: string, o: { type?: string; value?: string; initial?: string; editable?: boolean } = {}) =>
  ({
    tagName,
    type: o.type ?? '',
    value: o.value ?? '',
    dataset: o.initial === undefined ? {} : { initial: o.initial },
    isContentEditable: o.editable ?? false,
  }) as unknown as HTMLElement;

test('text boxes keep their keys; checkboxes, buttons and ranges do not', () => {
  for (const box of [
    el('INPUT', { type: 'text' }),
    el('INPUT'), // no type: a text box
    el('INPUT', { type: 'search' }),
    el('INPUT', { type: 'number' }),
    el('TEXTAREA'),
    el('SELECT'),
    el('DIV', { editable: true }),
  ])
    assert.equal(typing(box), true, `${box.tagName} ${(box as HTMLInputElement).type}`);
  for (const other of [
    el('INPUT', { type: 'checkbox' }),
    el('INPUT', { type: 'radio' }),
    el('INPUT', { type: 'range' }),
    el('BUTTON'),
    el('DIV'),
    el('BODY'),
  ])
    assert.equal(typing(other), false, `${other.tagName} ${(other as HTMLInputElement).type}`);
  assert.equal(typing(null), false);
});

test("Ctrl+Z is the app's undo outside text boxes and in empty or unchanged ones, the box's own while it is edited", () => {
  assert.equal(appUndoes(el('BODY')), true);
  assert.equal(appUndoes(el('INPUT', { type: 'checkbox' })), true);
  assert.equal(appUndoes(el('INPUT', { type: 'text', value: '' })), true);
  assert.equal(appUndoes(el('INPUT', { type: 'text', value: 'Sam' })), false, 'typing: the box undoes its typing');
  assert.equal(appUndoes(el('INPUT', { type: 'text', value: 'Ada', initial: 'Ada' })), true, 'unchanged');
  assert.equal(appUndoes(el('INPUT', { type: 'text', value: 'Adam', initial: 'Ada' })), false, 'changed');
  assert.equal(appUndoes(el('TEXTAREA', { value: 'notes' })), false);
  assert.equal(appUndoes(el('SELECT', { value: '3' })), true, 'a select has no undo of its own');
});
