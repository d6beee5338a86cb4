// Renderer: which keys the app may take from a focused element — shortcuts never steal a text box's keystrokes.

/**
 * [Note: keys in text boxes] A text box owns every key that types or edits text: letters, digits, Space, the
 * arrows, Backspace, its own Ctrl+Z. So no shortcut of the app fires while one has focus, except the keys a text
 * box has no use for: Enter (submit), Escape (leave the box), and Ctrl/Cmd+Z when the box is empty or still holds
 * what it was given (`data-initial`): its own undo would do nothing there, so the app's history undoes instead.
 * Checkboxes, radios, ranges and buttons type nothing: shortcuts work on them as anywhere else.
 */
const TEXT_TYPES = new Set([
  'text',
  'search',
  'email',
  'url',
  'tel',
  'password',
  'number',
  'date',
  'datetime-local',
  'month',
  'time',
  'week',
]);

type TextBox = HTMLInputElement | HTMLTextAreaElement;

/** The text box `el` is, or undefined (selects count: they take letters to jump to an option). */
export function textBox(el: EventTarget | null): TextBox | HTMLSelectElement | undefined {
  const e = el as HTMLElement | null;
  if (!e || typeof e.tagName !== 'string') return undefined;
  if (e.tagName === 'TEXTAREA' || e.tagName === 'SELECT') return e as TextBox | HTMLSelectElement;
  if (e.tagName === 'INPUT' && TEXT_TYPES.has(((e as HTMLInputElement).type || 'text').toLowerCase()))
    return e as HTMLInputElement;
  if (e.isContentEditable) return e as unknown as TextBox;
  return undefined;
}

/** True when a key pressed on `el` belongs to the element, not to the app's shortcuts. */
export function typing(el: EventTarget | null): boolean {
  return textBox(el) !== undefined;
}

/** True when Ctrl/Cmd+Z on `el` is the app's history: not in a text box, or in one that is empty or unchanged. */
export function appUndoes(el: EventTarget | null): boolean {
  const box = textBox(el);
  if (!box) return true;
  if (box.tagName === 'SELECT') return true;
  const value = (box as TextBox).value ?? '';
  return value === '' || value === ((box as HTMLElement).dataset.initial ?? '');
}
