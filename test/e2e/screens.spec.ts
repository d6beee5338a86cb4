// Test (e2e): the People, Name groups, Train and Verify screens as a new user meets them (issue 14), in Chromium through the web door, on 202 whole CelebA photos of 18 people.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { DATA, ROOT, startDoor, whyNotRunnable, type Door } from './door.js';

const CELEBA = join(DATA, 'celeba-wild');
const why = whyNotRunnable() ?? (existsSync(CELEBA) ? undefined : 'needs ../shared/data/celeba-wild (real photos)');
test.skip(!!why, why ?? '');
// One library for the file while its tests pass; each test first makes sure of what it needs (see `ensure`), so a
// failing test (after which Playwright starts a fresh worker, door and library) never makes the next ones fail.

/** Photos of the import: whole identity folders of celeba-wild, in name order, until at least this many. */
const PHOTOS = 200;
/** With FACELENS_DOC_SHOTS=DIR the last test writes the README's screenshots there, every face pixelated. */
const SHOTS = process.env.FACELENS_DOC_SHOTS && resolve(ROOT, process.env.FACELENS_DOC_SHOTS);

let door: Door;
let photos: string;
/** A folder imported later by one test: a mirror image of the first person's first photo (new content, same face). */
let later: string;
let tmp: string;
test.beforeAll(async () => {
  // A temporary copy of whole identity folders (the walker never follows a link out of an added folder).
  tmp = mkdtempSync(join(tmpdir(), 'facelens-screens-'));
  photos = join(tmp, 'celeba');
  mkdirSync(photos);
  let n = 0;
  for (const name of readdirSync(CELEBA).sort()) {
    if (n >= PHOTOS) break;
    mkdirSync(join(photos, name));
    for (const f of readdirSync(join(CELEBA, name))) copyFileSync(join(CELEBA, name, f), join(photos, name, f));
    n += readdirSync(join(CELEBA, name)).length;
  }
  later = join(tmp, 'later');
  mkdirSync(later);
  const first = readdirSync(CELEBA).sort()[0]!;
  const photo = readdirSync(join(CELEBA, first)).sort()[0]!;
  await sharp(join(CELEBA, first, photo))
    .flop()
    .jpeg({ quality: 92 })
    .toFile(join(later, 'mirrored.jpg'));
  door = await startDoor();
});
test.afterAll(async () => {
  await door?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});
test.afterEach(async ({}, info) => {
  if (info.status !== info.expectedStatus)
    await info.attach('web-door.log', { body: door.log(), contentType: 'text/plain' });
});

/** The contract over the web door, as the page calls it (for setting a test's scene, never for what it checks). */
async function call<T>(method: string, args: unknown = {}): Promise<T> {
  const url = new URL(door.url);
  const token = url.searchParams.get('t') ?? new URLSearchParams(url.hash.slice(1)).get('t');
  const res = await fetch(`${url.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ args }),
  });
  const r = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!r.ok) throw new Error(`${method}: ${r.error?.message}`);
  return r.value;
}
interface PersonRow {
  id: number;
  name: string | null;
  faceCount: number;
}
const everyone = async () => (await call<{ items: PersonRow[] }>('people.list', { limit: 5000 })).items;

/**
 * What a test needs of the library: the photos imported (by the first test through the Library page; here
 * through the API when that test did not run in this worker), and these people named (the largest unnamed groups).
 */
async function ensure(names: string[] = []): Promise<void> {
  if ((await call<{ photos: number }>('library.stats')).photos === 0) {
    await call('files.choose', { paths: [photos] });
    await call('library.addFolders', { paths: [photos] });
    await expect
      .poll(async () => (await call<unknown[]>('jobs.list')).length, { timeout: 180_000, intervals: [500] })
      .toBe(0);
  }
  for (const name of names) {
    const people = await everyone();
    if (people.some((p) => p.name === name)) continue;
    const group = people.filter((p) => p.name === null).sort((a, b) => b.faceCount - a.faceCount)[0]!;
    await call('people.rename', { personId: group.id, name });
  }
}

/** Opens the app once in `page`, then moves between pages by the hash alone (the session stays). */
async function go(page: Page, hash: string): Promise<void> {
  if (!page.url().startsWith('http')) {
    await page.goto(door.url);
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  }
  await page.evaluate((h) => (location.hash = h), `#/${hash}`);
}
const cards = (page: Page) => page.getByTestId('person-card');
/** The grid of faces on a person's page or a tab of loose faces. */
const faceGrid = (page: Page) => page.getByRole('listbox', { name: /faces/i });
/** A tab of the People page by the words it starts with. */
const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
const notice = (page: Page, kind: 'info' | 'error') => page.getByTestId(`notice-${kind}`);
/** The sidebar's "N faces · M people". */
async function sidebar(page: Page): Promise<{ faces: number; people: number }> {
  const text = (await page.locator('nav').textContent()) ?? '';
  const m = /(\d+) faces? · (\d+) (?:person|people)/.exec(text);
  return { faces: Number(m?.[1] ?? NaN), people: Number(m?.[2] ?? NaN) };
}
/** Takes the focus out of any text box, as a click on the page's background does. */
const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const number = async (l: Locator) => Number(/\d+/.exec((await l.textContent()) ?? '')?.[0] ?? NaN);
/** The person whose card shows this exact name. */
const cardNamed = (page: Page, name: string) =>
  cards(page).filter({ has: page.getByTestId('person-name').getByText(name, { exact: true }) });

test('people appear while a 200-photo import runs, and a notice says when it has finished', async ({ browser }) => {
  const context = await browser.newContext();
  const library = await context.newPage();
  const people = await context.newPage();
  await go(library, 'library');
  await library.getByTestId('folder-path').fill(photos);
  await library.getByTestId('add-folder').click();
  await expect(library.getByTestId('import-progress')).toHaveAttribute('data-status', /scanning|importing/);
  await go(people, 'people');

  // The People page, in another tab, shows people before the Library tab's import is over.
  await expect(cards(people).first()).toBeVisible({ timeout: 180_000 });
  const status = await library.getByTestId('import-progress').getAttribute('data-status');
  expect(status, 'people were shown only once the import had ended').toBe('importing');

  // Both tabs hear that it ended, wherever the user is.
  await expect(notice(people, 'info').filter({ hasText: 'Import finished' })).toHaveCount(1, { timeout: 180_000 });
  await expect(library.getByTestId('import-progress')).toHaveAttribute('data-status', 'complete');
  await expect(notice(library, 'info').filter({ hasText: 'Import finished' })).toHaveCount(1);
  await context.close();
});

test('Name groups: a name with S and digits is typed, not taken as shortcuts', async ({ page }) => {
  await ensure();
  await go(page, 'name');
  const queue = page.getByTestId('name-queue');
  const input = page.getByLabel('Name of this group');
  await expect(input).toBeFocused();
  const group = await queue.getAttribute('data-person-id');
  await page.keyboard.type('Sam 123 Smith'); // real key presses: S first, then digits 1-3
  await expect(input).toHaveValue('Sam 123 Smith');
  await expect(queue).toHaveAttribute('data-person-id', group!); // not skipped, not merged
  await page.keyboard.press('Enter');
  await expect(queue).not.toHaveAttribute('data-person-id', group!);
  await expect(input).toHaveValue('');
  await expect(notice(page, 'info').filter({ hasText: 'Named Sam 123 Smith' })).toHaveCount(1);
  await go(page, 'people');
  await expect(cardNamed(page, 'Sam 123 Smith')).toHaveCount(1);
  await expect(cardNamed(page, 'Sam 123 Smith')).toHaveAttribute('data-person-id', group!);
});

test('Name groups: Ctrl+Z in the empty name box undoes; in a box being typed in it does not', async ({ page }) => {
  await ensure();
  await go(page, 'name');
  const queue = page.getByTestId('name-queue');
  const input = page.getByLabel('Name of this group');
  await expect(input).toBeFocused();
  await expect(input).toHaveValue('');
  await input.fill('Undo Me');
  await input.press('Enter');
  await expect.poll(async () => (await everyone()).find((p) => p.name === 'Undo Me')?.id).toBeDefined();
  const named = String((await everyone()).find((p) => p.name === 'Undo Me')!.id);
  await expect(queue).not.toHaveAttribute('data-person-id', named);

  // Typing in the box: Ctrl+Z belongs to the box, the app's history is left alone.
  await page.keyboard.type('Half typed');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(1000); // an undo would be done by now
  await expect(notice(page, 'info').filter({ hasText: 'Undone' })).toHaveCount(0);
  expect((await everyone()).some((p) => p.name === 'Undo Me')).toBe(true);
  await input.fill('');

  // The empty box: Ctrl+Z undoes the naming, and the group is back to be named.
  await input.focus();
  await page.keyboard.press('Control+z');
  await expect(notice(page, 'info').filter({ hasText: 'Undone: Rename' })).toHaveCount(1);
  await expect(queue).toHaveAttribute('data-person-id', named); // the group is back, first in the queue
  await go(page, 'people');
  await expect(cards(page).first()).toBeVisible();
  await expect(cardNamed(page, 'Undo Me')).toHaveCount(0);
});

test('Name groups: no suggestion below the suggestion threshold, so no key press can take one', async ({ page }) => {
  await ensure();
  await go(page, 'settings');
  const threshold = Number(
    await page.getByLabel('"Is this X?" offers faces whose mean similarity to X is at least').inputValue(),
  );
  expect(threshold).toBeGreaterThan(0);
  await go(page, 'name');
  const input = page.getByLabel('Name of this group');
  for (const name of ['Alice Named', 'Bob Named', 'Carol Named']) {
    await expect(input).toBeFocused();
    await input.fill(name);
    await input.press('Enter');
    await expect.poll(async () => (await everyone()).some((p) => p.name === name)).toBe(true);
    await expect(input).toHaveValue('');
  }
  // Every group left: whatever is offered reaches the threshold.
  const queue = page.getByTestId('name-queue');
  await go(page, 'people');
  const people = await number(tab(page, 'People'));
  await go(page, 'name');
  await expect(queue).toBeVisible();
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const id = (await queue.getAttribute('data-person-id'))!;
    if (seen.has(id)) break;
    seen.add(id);
    const offers = page.locator('.closest li');
    for (const s of await offers.allTextContents())
      expect(Number(/similarity (-?\d+\.\d+)/.exec(s)![1]), `suggested: ${s}`).toBeGreaterThanOrEqual(threshold);
    const offered = await offers.count();
    if (offered === 0) {
      // Esc leaves the box; 1 then takes no one (there is no one to take).
      await page.keyboard.press('Escape');
      await page.keyboard.press('1');
      await expect(queue).toHaveAttribute('data-person-id', id);
    }
    await page.getByTestId('skip').click();
  }
  await go(page, 'people');
  expect(await number(tab(page, 'People'))).toBe(people);
});

test('split: a dialog names the new person, Cancel splits nothing, no look-alike panel, undo without a red notice', async ({
  page,
}) => {
  await ensure(['Alice Named']);
  await go(page, 'people');
  const person = cardNamed(page, 'Alice Named');
  const id = await person.getAttribute('data-person-id');
  await go(page, `person/${id}`);
  const total = page.getByTestId('person-total');
  await expect(total).toHaveText(/\d+ faces/);
  const before = await number(total);
  const people = (await sidebar(page)).people;
  const faces = page.getByTestId('face');
  await faces.nth(0).click();
  await faces.nth(1).click();

  await page.getByTestId('split').click();
  const dialog = page.getByTestId('dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('dialog-input')).toBeFocused();
  await page.getByTestId('dialog-input').fill('Not Split');
  await page.getByTestId('dialog-cancel').click();
  await expect(dialog).toBeHidden();
  await page.waitForTimeout(1000); // a split would show by now
  expect(await number(total)).toBe(before);
  expect((await sidebar(page)).people).toBe(people);

  // Escape cancels too.
  await page.getByTestId('split').click();
  await expect(page.getByTestId('dialog-input')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.waitForTimeout(500);
  expect(await number(total)).toBe(before);

  const gridTop = (await faceGrid(page).boundingBox())!.y;
  await page.getByTestId('split').click();
  await page.getByTestId('dialog-input').fill('Split Off');
  await page.keyboard.press('Enter');
  await expect(total).toHaveText(`${before - 2} faces`);
  await expect(notice(page, 'info').filter({ hasText: 'Split Off' })).toHaveCount(1);
  await expect(page.getByTestId('lookalike')).toHaveCount(0);
  expect((await faceGrid(page).boundingBox())!.y).toBeCloseTo(gridTop, 0);

  // Undo the split: the faces come back, and nothing red follows the user.
  await blur(page);
  await page.keyboard.press('Control+z');
  await expect(total).toHaveText(`${before} faces`);
  await go(page, 'people');
  await page.waitForTimeout(1500);
  await expect(notice(page, 'error')).toHaveCount(0);

  // On the page of the person the split made, undoing it says so on the page, not in red.
  await go(page, `person/${id}`);
  await expect(total).toHaveText(`${before} faces`);
  await faces.nth(0).click();
  await page.getByTestId('split').click();
  await page.getByTestId('dialog-input').fill('Split Again');
  await page.getByTestId('dialog-ok').click();
  await expect(total).toHaveText(`${before - 1} faces`);
  await go(page, 'people');
  const made = await cardNamed(page, 'Split Again').getAttribute('data-person-id');
  await go(page, `person/${made}`);
  await expect(page.getByTestId('person-total')).toHaveText('1 face');
  await blur(page);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('person-gone')).toBeVisible();
  await page.waitForTimeout(1500);
  await expect(notice(page, 'error')).toHaveCount(0);
});

test('counts are right at once after a merge and a split; the loose-face tabs and the Library count apart', async ({
  page,
}) => {
  await ensure();
  await go(page, 'people');
  await expect(cards(page).first()).toBeVisible();
  const start = await sidebar(page);
  expect(start.people).toBe(await number(tab(page, 'People')));

  // Merge two unnamed groups (Space selects, M merges): one person fewer, at once, in the sidebar and the tab.
  const unnamed = cards(page).filter({ has: page.getByTestId('person-name').getByText('Unnamed', { exact: true }) });
  await unnamed.nth(0).focus();
  await page.keyboard.press(' ');
  await unnamed.nth(1).focus();
  await page.keyboard.press(' ');
  await page.keyboard.press('m');
  await expect(tab(page, 'People')).toHaveText(`People (${start.people - 1})`);
  await expect.poll(async () => (await sidebar(page)).people).toBe(start.people - 1);

  // Split one face off: one person more.
  const merged = await unnamed.nth(0).getAttribute('data-person-id');
  await go(page, `person/${merged}`);
  await page.getByTestId('face').first().click();
  await page.getByTestId('split').click();
  await page.getByTestId('dialog-ok').click(); // no name: an unnamed group
  await expect(notice(page, 'info').filter({ hasText: 'is now a new person' })).toHaveCount(1);
  await expect.poll(async () => (await sidebar(page)).people).toBe(start.people);
  await go(page, 'people');
  await expect(tab(page, 'People')).toHaveText(`People (${start.people})`);
  await expect(
    cards(page)
      .getByTestId('person-count')
      .filter({ hasText: /^1 face$/ }),
  ).not.toHaveCount(0);

  // Unknown and Low quality: each tab says how many it lists; the Library counts them apart.
  const unknownTab = tab(page, 'Unknown faces');
  const lowTab = tab(page, 'Low quality');
  await expect(unknownTab).toHaveText(/Unknown faces \(\d+\)/);
  await expect(lowTab).toHaveText(/Low quality \(\d+\)/);
  const unknown = await number(unknownTab);
  const low = await number(lowTab);
  await unknownTab.click();
  await expect(page.getByTestId('loose-total')).toContainText(`${unknown} face`);
  await lowTab.click();
  await expect(page.getByTestId('loose-total')).toContainText(`${low} face`);
  expect(low, 'the library has low-quality faces to keep apart').toBeGreaterThan(0);
  await go(page, 'library');
  await expect(page.getByTestId('stats')).toContainText(`${unknown} unknown face`);
  await expect(page.getByTestId('stats')).toContainText(`${low} low-quality face`);
});

test('names, not ids: History, "Move to…", Verify\'s face picker; the favicon answers', async ({ page }) => {
  await ensure(['Alice Named', 'Bob Named', 'Carol Named']);
  const unnamed = (await everyone()).filter((p) => p.name === null);
  await call('people.merge', { intoId: unnamed[0]!.id, fromIds: [unnamed[1]!.id] });
  // History says who, with a face beside the words.
  await go(page, 'history');
  const rows = page.locator('main table tbody tr');
  await expect(rows.first()).toBeVisible();
  const texts = await rows.allTextContents();
  expect(texts.join('\n')).not.toMatch(/person \d+/);
  expect(texts.join('\n')).toMatch(/Merge an unnamed group of \d+ faces into an unnamed group of \d+ faces/);
  expect(await rows.locator('img').count()).toBeGreaterThanOrEqual(texts.length - 1);

  // "Move to…": names and faces; a move says where the faces went.
  await go(page, 'people');
  await cardNamed(page, 'Bob Named').locator('a').click();
  const total = page.getByTestId('person-total');
  const before = await number(total);
  await page.getByTestId('face').first().click();
  const picker = page.getByTestId('move-to');
  await picker.getByRole('button', { name: 'Move to…' }).click();
  const options = picker.getByRole('option');
  await expect(options.first()).toBeVisible();
  const labels = await options.allTextContents();
  expect(labels.join('\n')).not.toMatch(/#\d+/);
  expect(labels.some((l) => l.includes('Carol Named'))).toBe(true);
  expect(await options.locator('img').count()).toBe(await options.count());
  await picker.getByLabel('Find a person').fill('Carol');
  await expect(options).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(notice(page, 'info').filter({ hasText: 'Moved 1 face to Carol Named' })).toHaveCount(1);
  await expect(total).toHaveText(`${before - 1} faces`);
  await blur(page);
  await page.keyboard.press('Control+z');
  await expect(total).toHaveText(`${before} faces`);

  // Verify's two faces are picked by sight: a person, then one of their faces.
  await go(page, 'verify');
  await expect(page.locator('input[type="number"]')).toHaveCount(0);
  for (const [slot, who] of [
    ['face-a', 'Alice Named'],
    ['face-b', 'Bob Named'],
  ] as const) {
    await page.getByTestId(`${slot}-person`).getByRole('button').click();
    await page.getByTestId(`${slot}-person`).getByRole('option').filter({ hasText: who }).click();
    await page.getByTestId(`${slot}-face`).first().click();
    await expect(page.getByTestId(`${slot}-chosen`)).toHaveText(who);
  }
  await expect(page.getByTestId('verify-decision')).toContainText('similarity');

  const icon = await page.request.get(new URL('/favicon.ico', door.url).href);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toBe('image/x-icon');
});

test('Train: ticked people are the ones trained, settings kept across pages, heads named by date, loss and people, backend shown; Verify says when a head trained on those faces', async ({
  page,
}) => {
  await ensure(['Alice Named', 'Bob Named', 'Carol Named']);
  const named = (await everyone()).filter((p) => p.name !== null).length;
  await go(page, 'train');
  const chips = page.locator('.chip');
  await expect(chips).toHaveCount(named);
  for (const box of await chips.locator('input[type="checkbox"]').all()) await expect(box).toBeChecked();
  await expect(page.getByTestId('train-people')).toContainText(`All ${named} named people`);
  // Only Alice and Bob: every other box unticked.
  for (const chip of await chips.all())
    if (!/Alice Named|Bob Named/.test((await chip.textContent()) ?? '')) await chip.locator('input').uncheck();
  await expect(page.getByTestId('train-people')).toContainText(`2 of ${named} named people`);
  await page.getByLabel('Epochs').fill('3');

  // Away and back: the choices stay.
  await go(page, 'people');
  await go(page, 'train');
  await expect(page.getByLabel('Epochs')).toHaveValue('3');
  await expect(chips.filter({ hasText: 'Carol Named' }).locator('input')).not.toBeChecked();

  const heads = page.getByTestId('heads').locator('tbody tr');
  // the heads table comes with one answer, the identity head always in it: counted once it is there
  await expect(heads.first()).toBeVisible();
  const headsBefore = await heads.count();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toContainText('complete', { timeout: 180_000 });
  await expect(page.getByTestId('train-status')).toContainText(/trained on the \S+ backend/);
  // the backend is said once (the run's figures do not say it again)
  const status = await page.getByTestId('train-status').innerText();
  expect(status.match(/\b(tensorflow-gpu|tensorflow|wasm|cpu)\b/g)).toHaveLength(1);
  await expect(heads).toHaveCount(headsBefore + 1);
  const row = heads.last();
  const today = new Date();
  const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  const name = (await row.locator('td').first().textContent()) ?? '';
  expect(name).toContain('arcface');
  expect(name).toContain('3 epochs');
  expect(name).toContain('Alice Named');
  expect(name).toContain('Bob Named');
  expect(name, 'only the ticked people were trained').not.toContain('Carol Named');
  expect(name).toContain(date);
  await expect(row).toContainText(/on \S+/); // the backend it trained on
  await expect(row).toContainText('3 epochs');
  await expect(row).toContainText('2 people');

  await go(page, 'verify');
  await page.getByTestId('evaluate').click();
  await expect(page.getByTestId('evaluation')).toContainText('AUC', { timeout: 120_000 });
  const trained = page
    .getByTestId('evaluation')
    .locator('div')
    .filter({ hasText: name.replace(' (active)', '') });
  await expect(trained.getByTestId('trained-on')).toContainText('Includes faces this head was trained on');
});

/** Every scrolling box on the page other than the page's own, and how far the page overflows sideways. */
async function scrollers(page: Page): Promise<{ nested: string[]; sideways: number }> {
  return page.evaluate(() => {
    const main = document.querySelector('main')!;
    const nested: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('main *')) {
      const s = getComputedStyle(el);
      if (/(auto|scroll)/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1)
        nested.push(`${el.tagName.toLowerCase()}.${el.className}`);
    }
    return { nested, sideways: main.scrollWidth - main.clientWidth };
  });
}

/** The rendered cells of a grid by row: each cell inside the grid, every row but the last one full. */
async function checkGrid(page: Page, grid: Locator, cell: Locator, what: string): Promise<number> {
  await expect(cell.first()).toBeVisible();
  const g = (await grid.boundingBox())!;
  const view = page.viewportSize()!;
  const boxes = (await cell.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) as DOMRect[];
  const rows = new Map<number, DOMRect[]>();
  for (const b of boxes) {
    expect.soft(b.x, `${what}: a cell left of the grid`).toBeGreaterThanOrEqual(g.x - 1);
    expect
      .soft(b.x + b.width, `${what}: a cell cut off at the right`)
      .toBeLessThanOrEqual(Math.min(g.x + g.width, view.width) + 1);
    const y = Math.round(b.y);
    rows.set(y, [...(rows.get(y) ?? []), b]);
  }
  const counts = [...rows.keys()].sort((a, b) => a - b).map((y) => rows.get(y)!.length);
  const cols = Math.max(...counts);
  for (const n of counts.slice(0, -1)) expect.soft(n, `${what}: rows of ${counts.join(', ')} cells`).toBe(cols);
  return cols;
}

test('layout: grids fill 1000, 1400 and 1920 px with no cut-off column or lonely item, lists as tall as the window, one scrollbar, long names ellipsized', async ({
  page,
}) => {
  // One person of many faces (a merge of six groups), so the lists are longer than the window.
  await ensure();
  await go(page, 'people');
  const unnamed = cards(page).filter({ has: page.getByTestId('person-name').getByText('Unnamed', { exact: true }) });
  await expect(unnamed.first()).toBeVisible();
  const people = await number(tab(page, 'People'));
  for (let i = 0; i < 6; i++) {
    await unnamed.nth(i).focus();
    await page.keyboard.press(' ');
  }
  await page.getByTestId('merge-selected').click();
  await expect(notice(page, 'info').filter({ hasText: 'Merged 6 people' })).toHaveCount(1);
  await expect(tab(page, 'People')).toHaveText(`People (${people - 5})`);
  // The largest unnamed person is the merge.
  const sizes = await unnamed.evaluateAll((els) =>
    els.map((e) => ({
      id: e.getAttribute('data-person-id'),
      n: Number(/\d+/.exec(e.querySelector('[data-testid="person-count"]')?.textContent ?? '')?.[0] ?? 0),
    })),
  );
  const big = sizes.sort((a, b) => b.n - a.n)[0]!.id;
  expect(sizes[0]!.n).toBeGreaterThanOrEqual(40);

  // A long name: cut with an ellipsis on its card, the card as wide as the others.
  const long = 'Maximiliana Wilhelmina Theodora von Hohenzollern-Sigmaringen';
  await go(page, `person/${big}`);
  await page.getByTestId('person-name-input').fill(long);
  await page.getByTestId('person-name-input').press('Enter');
  await expect(notice(page, 'info').filter({ hasText: `Renamed to ${long}` })).toHaveCount(1);

  for (const [width, height] of [
    [1000, 700],
    [1400, 900],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await go(page, 'people');
    const cols = await checkGrid(
      page,
      page.getByRole('listbox', { name: 'People' }),
      cards(page),
      `People at ${width}px`,
    );
    expect.soft(cols).toBeGreaterThanOrEqual(width >= 1400 ? 6 : 4);
    const name = cardNamed(page, long).getByTestId('person-name');
    const cut = await name.evaluate((el) => ({
      ellipsis: getComputedStyle(el).textOverflow === 'ellipsis',
      clipped: el.scrollWidth > el.clientWidth,
      inside:
        el.getBoundingClientRect().right <= el.closest('[data-testid="person-card"]')!.getBoundingClientRect().right,
    }));
    expect.soft(cut, `the long name at ${width}px`).toEqual({ ellipsis: true, clipped: true, inside: true });
    expect.soft(await scrollers(page), `People at ${width}x${height}`).toEqual({ nested: [], sideways: 0 });

    await go(page, `person/${big}`);
    await expect(page.getByTestId('person-total')).toHaveText(/\d+ faces/);
    const faces = page.getByTestId('face');
    await checkGrid(page, faceGrid(page), faces, `a person's faces at ${width}px`);
    // As tall as the window: a face shows at the window's bottom edge (no box of fixed height above it).
    // (asked until it holds or 10 s pass: the virtualised grid fills the rows below the first after it measures)
    const left = (await faceGrid(page).boundingBox())!.x + 20;
    const atBottom = () =>
      page.evaluate(
        ([x, h]) =>
          Array.from({ length: 12 }, (_, i) => h - 4 - 4 * i).some(
            (y) => !!document.elementFromPoint(x!, y)?.closest('[data-testid="face"]'),
          ),
        [left, height],
      );
    await expect
      .configure({ soft: true })
      .poll(atBottom, { message: `faces reach the bottom of a ${width}x${height} window`, timeout: 10_000 })
      .toBe(true);
    expect.soft(await scrollers(page), `a person at ${width}x${height}`).toEqual({ nested: [], sideways: 0 });

    await go(page, 'people');
    await tab(page, 'Low quality').click();
    await checkGrid(page, faceGrid(page), page.getByTestId('face'), `low-quality faces at ${width}px`);
    expect.soft(await scrollers(page), `Low quality at ${width}x${height}`).toEqual({ nested: [], sideways: 0 });
    await tab(page, 'People').click();

    for (const screen of ['name', 'train', 'verify', 'history', 'library'])
      await go(page, screen).then(async () => {
        await page.waitForTimeout(400);
        expect.soft(await scrollers(page), `${screen} at ${width}x${height}`).toEqual({ nested: [], sideways: 0 });
      });
  }
  // The Verify page after an evaluation is the widest: its plots must fit too.
  await page.setViewportSize({ width: 1000, height: 700 });
  await go(page, 'verify');
  await page.getByTestId('evaluate').click();
  await expect(page.getByTestId('roc').locator('canvas')).toHaveCount(1, { timeout: 120_000 });
  expect.soft(await scrollers(page), 'Verify with its plots at 1000x700').toEqual({ nested: [], sideways: 0 });
});

/**
 * Writes a screenshot with every face pixelated (the test photos may not be redistributed): each image is drawn
 * at 6x6 and scaled back up without smoothing, then the PNG is written as a palette image to keep it small.
 */
async function docShot(page: Page, name: string): Promise<void> {
  await page.evaluate(async () => {
    for (const img of document.querySelectorAll<HTMLImageElement>('main img')) {
      if (img.dataset.pixelated) continue;
      if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
      if (!img.naturalWidth) continue;
      const small = document.createElement('canvas');
      small.width = small.height = 6;
      small.getContext('2d')!.drawImage(img, 0, 0, 6, 6);
      img.src = small.toDataURL();
      img.style.imageRendering = 'pixelated';
      img.dataset.pixelated = '1';
    }
  });
  await page.waitForTimeout(300);
  const png = await page.screenshot({ fullPage: false });
  await sharp(png)
    .png({ palette: true, colours: 64, compressionLevel: 9 })
    .toFile(join(SHOTS!, `${name}.png`));
}

test('screenshots of People, Name groups, Train and Verify at 1000x700 and 1920x1080 (FACELENS_DOC_SHOTS)', async ({
  page,
}) => {
  test.skip(!SHOTS, 'set FACELENS_DOC_SHOTS=docs/screenshots to write the README screenshots');
  await ensure(['Alice Named', 'Bob Named', 'Carol Named']);
  mkdirSync(SHOTS!, { recursive: true });
  for (const [width, height] of [
    [1000, 700],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await go(page, 'people');
    await expect(cards(page).first()).toBeVisible();
    await page.waitForTimeout(800);
    await docShot(page, `people-${width}x${height}`);
    await go(page, 'name');
    await expect(page.getByTestId('name-queue')).toBeVisible();
    await page.waitForTimeout(800);
    await docShot(page, `name-groups-${width}x${height}`);
    await go(page, 'train');
    await expect(page.getByTestId('margin-curves').locator('canvas')).toHaveCount(1);
    await page.waitForTimeout(800);
    await docShot(page, `train-${width}x${height}`);
    await go(page, 'verify');
    for (const [slot, nth] of [
      ['face-a', 0],
      ['face-b', 1],
    ] as const) {
      await page.getByTestId(`${slot}-person`).getByRole('button').click();
      await page.getByTestId(`${slot}-person`).getByRole('option').filter({ hasText: 'Alice Named' }).click();
      await page.getByTestId(`${slot}-face`).nth(nth).click();
    }
    await expect(page.getByTestId('verify-decision')).toContainText('similarity');
    await page.getByTestId('evaluate').click();
    await expect(page.getByTestId('roc').locator('canvas')).toHaveCount(1, { timeout: 120_000 });
    await page.waitForTimeout(800);
    await docShot(page, `verify-${width}x${height}`);
  }
});

test('Name groups, most useful first: the engine\'s questions in its order; "Is this X?" answered No is not asked again', async ({
  page,
}) => {
  await ensure();
  // Every group of 3 or more faces named (the scene): what is left to ask is small groups and "Is this X?".
  let k = 0;
  for (const p of await everyone())
    if (p.name === null && p.faceCount >= 3) await call('people.rename', { personId: p.id, name: `Named ${++k}` });
  // Then a new photo of a named person arrives, imported by a user who asked to confirm every new face (the
  // assignment threshold at its top in Settings): it waits in nobody, and looks like its person.
  const settings = await call<{ assignThreshold: number }>('settings.get');
  await call('settings.set', { assignThreshold: 1 });
  await call('files.choose', { paths: [later] });
  await call('library.addFolders', { paths: [later] });
  await expect
    .poll(async () => (await call<unknown[]>('jobs.list')).length, { timeout: 60_000, intervals: [500] })
    .toBe(0);
  await call('settings.set', { assignThreshold: settings.assignThreshold });
  type Q =
    | { kind: 'name'; person: { id: number } }
    | { kind: 'suggest'; person: { id: number; name: string }; face: { id: number } };
  const asked = await call<Q[]>('people.questions', { limit: 20 });
  const at = asked.findIndex((q) => q.kind === 'suggest');
  expect(at, 'a face that looks like a named person is asked about').toBeGreaterThanOrEqual(0);

  await go(page, 'name');
  await page.getByTestId('order-useful').check();
  // The keys go to the question shown, not to the radio button just clicked.
  if (at > 0) await expect(page.getByLabel('Name of this group')).toBeFocused();
  else await expect(page.getByTestId('is-this')).toBeFocused();
  // The page asks what the engine asks, in its order: skip the small groups before the first "Is this X?".
  for (const q of asked.slice(0, at)) {
    const card = page.getByTestId('name-queue');
    await expect(card).toHaveAttribute('data-person-id', String(q.person.id));
    await page.getByTestId('skip').click();
  }
  const q = asked[at] as Extract<Q, { kind: 'suggest' }>;
  const isThis = page.getByTestId('is-this');
  await expect(isThis).toHaveAttribute('data-face-id', String(q.face.id));
  await expect(isThis).toHaveAttribute('data-person-id', String(q.person.id));
  await expect(isThis).toContainText(`Is this ${q.person.name}?`);
  await expect(isThis).toBeFocused();
  await page.keyboard.press('n');
  await expect(notice(page, 'info').filter({ hasText: `Not ${q.person.name}` })).toHaveCount(1);
  // The answer is used at once: that face is never asked about for that person again.
  await expect
    .poll(async () =>
      (await call<Q[]>('people.questions', { limit: 100 })).some(
        (x) => x.kind === 'suggest' && x.face.id === q.face.id && x.person.id === q.person.id,
      ),
    )
    .toBe(false);
  // ...and the page has moved on from it.
  await expect
    .poll(() =>
      page.evaluate(() => {
        const card = document.querySelector('[data-testid="is-this"]');
        return card ? `${card.getAttribute('data-person-id')}:${card.getAttribute('data-face-id')}` : 'none';
      }),
    )
    .not.toBe(`${q.person.id}:${q.face.id}`);
});
