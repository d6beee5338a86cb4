// Main (Electron): the application menu — add folders, undo/redo from the history, page shortcuts.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  addFolders(): void;
  undo(): void;
  redo(): void;
  go(page: string): void;
}

export function buildMenu(a: MenuActions): Menu {
  const pages: [string, string][] = [
    ['library', 'Library'],
    ['people', 'People'],
    ['name', 'Name groups'],
    ['train', 'Train'],
    ['verify', 'Verify'],
    ['settings', 'Settings'],
    ['history', 'History'],
  ];
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Add Folders…', accelerator: 'CmdOrCtrl+O', click: a.addFolders },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        // Undo/Redo act on the people history (merge, split, move, rename, reject, confirm), not on text fields.
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: a.undo },
        { label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', click: a.redo },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'Go',
      submenu: pages.map(([page, label], i) => ({ label, accelerator: `Alt+${i + 1}`, click: () => a.go(page) })),
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
