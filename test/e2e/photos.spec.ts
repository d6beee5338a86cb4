// Test (e2e): photos through the web door in Chromium — the folder browser and its limits, a person's photos by date, together, search from any page, the viewer, a HEIC photo, a watched folder.
import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DATA, startDoor, whyNotRunnable, type Door } from './door.js';
import { makePhotoSet, photosOf, type SetPhoto } from '../helpers/photo-set.js';

const why = whyNotRunnable();
test.skip(!!why, why ?? '');
test.describe.configure({ mode: 'serial' });

/** The door's own HOME: the folder browser's first root, holding the photo set in Pictures/set. */
const home = realpathSync(mkdtempSync(join(tmpdir(), 'facelens-e2e-home-')));
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'facelens-e2e-outside-')));
const folder = join(home, 'Pictures', 'set');
let door: Door;
let set: { photos: SetPhoto[]; heic: boolean };
const person: Record<'anna' | 'ben', number> = { anna: 0, ben: 0 };

test.beforeAll(async () => {
  set = await makePhotoSet(folder);
  symlinkSync(outside, join(home, 'escape')); // a link out of the allowed roots
  writeFileSync(join(outside, 'secret.jpg'), 'not for the browser');
  door = await startDoor({ HOME: home });
});
test.afterAll(async () => {
  await door?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
test.afterEach(async ({}, info) => {
  if (info.status !== info.expectedStatus)
    await info.attach('web-door.log', { body: door.log(), contentType: 'text/plain' });
});

const at = (hash: string) => door.at(hash);
async function open(page: Page, hash: string): Promise<void> {
  await page.goto(at(hash));
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
}

/**
 * Attaches a screenshot to the report; with FACELENS_SCREENSHOTS=DIR also writes DIR/<name>.png with every photo
 * blurred (the test photos may not be redistributed) and its colours reduced, so each file stays small.
 */
async function shot(page: Page, name: string): Promise<void> {
  await test.info().attach(name, { body: await page.screenshot(), contentType: 'image/png' });
  const dir = process.env.FACELENS_SCREENSHOTS;
  if (!dir) return;
  const style = await page.addStyleTag({ content: 'img, canvas.face, [data-face] { filter: blur(16px) !important; }' });
  const png = await page.screenshot();
  await style.evaluate((el) => el.remove());
  await sharp(png)
    .png({ palette: true, colours: 64, compressionLevel: 9 })
    .toFile(join(dir, `${name}.png`));
}

/**
 * The grid as a user scrolls it: its month keys ('2019-05') and photo ids, top to bottom. The grid renders only the
 * rows in view, so it is scrolled a screen at a time and what it shows is collected in order.
 */
async function scrollThrough(page: Page): Promise<{ months: string[]; photos: number[] }> {
  const months: string[] = [];
  const photos: number[] = [];
  const scroller = page.getByTestId('photo-grid').locator('> div').first();
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(150);
    for (const k of await page.getByTestId('month').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')!)))
      if (!months.includes(k)) months.push(k);
    for (const id of await page
      .getByTestId('photo')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-photo-id')))))
      if (!photos.includes(id)) photos.push(id);
    const moved = await scroller.evaluate((el) => {
      const before = el.scrollTop;
      el.scrollBy(0, el.clientHeight * 0.7);
      return el.scrollTop !== before;
    });
    if (!moved) break;
  }
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  return { months, photos };
}
const months = async (page: Page) => (await scrollThrough(page)).months;
const monthOf = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};
const monthsOf = (photos: SetPhoto[]) => [...new Set(photos.map((p) => monthOf(p.date)))];

test('the folder browser adds a folder by walking to it, and never leaves home and the mounted drives', async ({
  page,
}) => {
  await open(page, 'library');
  await page.getByTestId('browse').click();
  const dialog = page.getByTestId('folder-browser');
  await expect(dialog).toBeVisible();
  // The places: the door's home first.
  await dialog.getByTestId('browse-entry').filter({ hasText: 'Home' }).click();
  await expect(dialog.getByTestId('browse-entry')).toHaveText(['Pictures']); // hidden folders, the link out: not listed
  await dialog.getByTestId('browse-up').click(); // from the top of home, Up goes to the places, not to home's parent
  await expect(dialog.getByTestId('browse-entry').filter({ hasText: 'Home' })).toBeVisible();

  for (const typed of ['/etc', join(home, '..'), join(home, 'escape'), '/', outside]) {
    await dialog.getByTestId('browse-path').fill(typed);
    await dialog.getByTestId('browse-path').press('Enter');
    await expect(dialog.getByTestId('browse-error')).toContainText('outside the folders Facelens may browse');
    await expect(dialog.getByTestId('browse-add')).toBeDisabled();
  }
  await shot(page, 'folder-browser-refused');

  await dialog.getByTestId('browse-path').fill(home);
  await dialog.getByTestId('browse-path').press('Enter');
  await expect(dialog.getByTestId('browse-error')).toHaveCount(0);
  await dialog.getByTestId('browse-entry').filter({ hasText: 'Pictures' }).click();
  await dialog.getByTestId('browse-entry').filter({ hasText: 'set' }).click();
  await expect(dialog.getByTestId('browse-path')).toHaveValue(folder);
  await shot(page, 'folder-browser');
  await dialog.getByTestId('browse-add').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('[data-testid="import-progress"][data-status="complete"]')).toHaveCount(1, {
    timeout: 180_000,
  });
  await expect(page.getByTestId('folders').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('folders')).toContainText(folder);
  await expect(page.getByTestId('failures')).toHaveCount(0); // every photo (the HEIC too) was imported
  await expect(page.getByTestId('watch-state')).toHaveText('watched');
});

test('a person’s photos: whole photos, newest first by their date (EXIF, else the file’s time)', async ({ page }) => {
  // Anna is the one person in the March 2015 photo: the viewer's people list leads to her photos.
  await open(page, 'timeline');
  await expect(page.getByTestId('photos-total')).toHaveText(`${set.photos.length} photos`);
  expect(await months(page)).toEqual(monthsOf([...set.photos].sort((a, b) => b.date - a.date)));
  await page.getByTestId('photo').first().waitFor();
  await shot(page, 'timeline');
  for (const who of ['anna', 'ben'] as const) {
    const solo = photosOf(set.photos, who).find((p) => p.who.length === 1)!;
    await open(page, 'timeline');
    await page.locator(`[data-testid="month"][data-key="${monthOf(solo.date)}"]`).waitFor();
    const inMonth = set.photos.filter((p) => monthOf(p.date) === monthOf(solo.date));
    expect(inMonth).toHaveLength(1);
    const index = [...set.photos].sort((a, b) => b.date - a.date).indexOf(solo);
    await page.locator(`[data-testid="photo"][data-index="${index}"]`).click();
    await expect(page.getByTestId('viewer-path')).toHaveText(join(folder, solo.file));
    await page.getByRole('complementary', { name: 'About this photo' }).getByRole('link', { name: 'Unnamed' }).click();
    await expect(page).toHaveURL(/#\/photos\/\d+$/);
    person[who] = Number(/#\/photos\/(\d+)$/.exec(page.url())![1]);

    // Their photos, newest first: the month sections are the photos' own months, in order.
    const theirs = photosOf(set.photos, who);
    await expect(page.getByTestId('photos-total')).toHaveText(`${theirs.length} photos`);
    const grid = await scrollThrough(page);
    expect(grid.photos).toHaveLength(theirs.length);
    expect(grid.months).toEqual(monthsOf(theirs));

    // Name them on their page; hovering a face shows the file it came from.
    await page.getByRole('link', { name: /’s faces/ }).click();
    await page.getByTestId('person-name-input').fill(who === 'anna' ? 'Anna' : 'Ben');
    await page.getByTestId('person-name-input').press('Enter');
    await expect(page.getByTestId('notice-info').last()).toContainText(who === 'anna' ? 'Anna' : 'Ben');
    const face = page.getByTestId('face').first();
    await face.hover();
    await expect(face).toHaveAttribute('data-source', new RegExp(`^${folder}/`));
    await expect(face).toHaveAttribute('title', new RegExp(folder));
  }
  await open(page, `photos/${person.anna}`);
  await expect(page.getByTestId('photos-title')).toHaveText('Photos of Anna');
  expect((await scrollThrough(page)).photos).toHaveLength(photosOf(set.photos, 'anna').length);
  await shot(page, 'person-photos');
  // Ben's photo without a date in it sits at its file's time.
  await open(page, `photos/${person.ben}`);
  const undated = set.photos.find((p) => p.source === 'file')!;
  await expect(page.locator(`[data-testid="month"][data-key="${monthOf(undated.date)}"]`)).toBeVisible();
});

test('together: the photos where every chosen person appears', async ({ page }) => {
  await open(page, `photos/${person.anna}`);
  await page.getByTestId('together-with').selectOption({ label: `Ben (${photosOf(set.photos, 'ben').length})` });
  await expect(page).toHaveURL(new RegExp(`#/timeline\\?people=${person.anna}%2C${person.ben}$`));
  await expect(page.getByTestId('photos-title')).toHaveText('Anna and Ben together');
  const both = photosOf(set.photos, 'anna', 'ben');
  await expect(page.getByTestId('photos-total')).toHaveText(`${both.length} photos`);
  await expect(page.getByTestId('photo')).toHaveCount(both.length);
  expect(await months(page)).toEqual(monthsOf(both));
  await shot(page, 'together');
  // Taking Ben away again shows all of Anna's photos.
  await page.getByRole('button', { name: 'Remove Ben' }).click();
  await expect(page.getByTestId('photos-total')).toHaveText(`${photosOf(set.photos, 'anna').length} photos`);
});

test('search by name from any page: Ctrl+K, a few letters, Enter', async ({ page }) => {
  for (const from of ['library', 'train', `photos/${person.ben}`, 'settings']) {
    await open(page, from);
    await page.keyboard.press('Control+k');
    await expect(page.getByTestId('search')).toBeFocused();
    await page.keyboard.type('ann');
    await expect(page.getByTestId('search-item').first()).toContainText('Anna');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`#/person/${person.anna}$`));
    await expect(page.getByTestId('person-name-input')).toHaveValue('Anna');
  }
  // Two names: their photos together; a month: that month's photos.
  await page.getByTestId('search').fill('anna and ben');
  const together = page.locator('[data-testid="search-item"][data-kind="together"]');
  await expect(together).toContainText('Anna and Ben');
  await shot(page, 'search');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('photos-title')).toHaveText('Anna and Ben together');
  await page.getByTestId('search').fill('july 2018');
  await page.locator('[data-testid="search-item"][data-kind="date"]').first().click();
  await expect(page.getByTestId('photos-total')).toHaveText('1 photos');
});

test('the viewer: zoom, next and previous within the list, face boxes with names, back to the grid', async ({
  page,
}) => {
  const annas = photosOf(set.photos, 'anna');
  await open(page, `photos/${person.anna}`);
  await page.locator('[data-testid="photo"][data-index="1"]').click();
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toBeVisible();
  await expect(page.getByTestId('viewer-position')).toHaveText(`2 / ${annas.length}`);
  await expect(page.getByTestId('viewer-path')).toHaveText(join(folder, annas[1]!.file));
  await expect(viewer.getByTestId('viewer-box').filter({ hasText: 'Anna' })).toHaveCount(1);
  await expect(page.getByTestId('no-reveal')).toContainText('A browser cannot open a folder');

  // Zoom: the image grows, the percentage follows; 0 fits it again.
  const img = page.getByTestId('viewer-img');
  await expect(img).toHaveClass(/ready/);
  const fitted = (await img.boundingBox())!;
  const fitText = await page.getByTestId('viewer-zoom').textContent();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  const zoomed = (await img.boundingBox())!;
  expect(zoomed.width).toBeGreaterThan(fitted.width * 1.5);
  await expect(page.getByTestId('viewer-zoom')).not.toHaveText(fitText!);
  await shot(page, 'viewer-zoomed');
  await page.keyboard.press('0');
  await expect.poll(async () => Math.round((await img.boundingBox())!.width)).toBe(Math.round(fitted.width));
  const stage = page.getByRole('application');
  await stage.hover();
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => (await img.boundingBox())!.width).toBeGreaterThan(fitted.width);
  await page.keyboard.press('0');

  // Next and previous walk Anna's photos, newest first; the keys do the same.
  await page.getByTestId('viewer-next').click();
  await expect(page.getByTestId('viewer-position')).toHaveText(`3 / ${annas.length}`);
  await expect(page.getByTestId('viewer-path')).toHaveText(join(folder, annas[2]!.file));
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('viewer-position')).toHaveText(`4 / ${annas.length}`);
  await page.getByTestId('viewer-prev').click();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('viewer-position')).toHaveText(`2 / ${annas.length}`);
  await shot(page, 'viewer');

  // Back: to the grid the viewer was opened from, in one step however many photos were walked.
  await page.getByTestId('viewer-back').click();
  await expect(viewer).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`#/photos/${person.anna}$`));
  await expect(page.getByTestId('photo').first()).toBeVisible();
  // Esc too, and the browser's Back button.
  await page.locator('[data-testid="photo"][data-index="0"]').click();
  await expect(page.getByTestId('viewer-position')).toHaveText(`1 / ${annas.length}`);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await page.locator('[data-testid="photo"][data-index="0"]').click();
  await page.goBack();
  await expect(viewer).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`#/photos/${person.anna}$`));
});

test('a HEIC photo is imported with its face and its date, and shown in the viewer', async ({ page }) => {
  test.skip(!set.heic, 'heif-enc is absent (Debian: apt-get install libheif-examples)');
  const heic = set.photos.find((p) => p.file.endsWith('.heic'))!;
  const index = photosOf(set.photos, 'anna').indexOf(heic);
  await open(page, `photos/${person.anna}`);
  await expect(page.locator(`[data-testid="month"][data-key="${monthOf(heic.date)}"]`)).toBeVisible();
  await page.locator(`[data-testid="photo"][data-index="${index}"]`).click();
  await expect(page.getByTestId('viewer-path')).toHaveText(join(folder, heic.file));
  await expect(page.getByTestId('viewer-date-source')).toHaveText('Date taken (from the photo)');
  const img = page.getByTestId('viewer-img');
  await expect(img).toHaveClass(/ready/); // the browser shows it: the engine sends a JPEG of the HEIC
  expect(await img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(100);
  await expect(page.getByTestId('viewer-box')).toHaveText(['Anna']);
  // The grid thumbnail of the HEIC photo loads too.
  await page.getByTestId('viewer-back').click();
  const thumb = page.locator(`[data-testid="photo"][data-index="${index}"] img`);
  await expect.poll(() => thumb.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(50);
});

test('a photo copied into a watched folder appears without a rescan; a deleted one disappears', async ({ page }) => {
  await open(page, 'timeline');
  const total = page.getByTestId('photos-total');
  await expect(total).toHaveText(`${set.photos.length} photos`);
  const added = Date.parse('2024-02-20T12:00:00Z');
  const bytes = await sharp(join(DATA, 'fixtures', 'wild', 'person04', 'img57.jpg'))
    .withExif({ IFD2: { DateTimeOriginal: '2024:02:20 12:00:00', OffsetTimeOriginal: '+00:00' } })
    .jpeg({ quality: 90 })
    .toBuffer();
  mkdirSync(join(folder, 'new'), { recursive: true });
  const tmp = join(outside, 'arriving.jpg');
  writeFileSync(tmp, bytes);
  cpSync(tmp, join(folder, 'new', 'arriving.jpg')); // as a file manager copies it in
  await expect(total).toHaveText(`${set.photos.length + 1} photos`, { timeout: 60_000 });
  await expect(page.getByTestId('month').first()).toHaveAttribute('data-key', monthOf(added));
  rmSync(join(folder, 'new', 'arriving.jpg'));
  await expect(total).toHaveText(`${set.photos.length} photos`, { timeout: 60_000 });
  await expect(page.locator(`[data-testid="month"][data-key="${monthOf(added)}"]`)).toHaveCount(0);
});
