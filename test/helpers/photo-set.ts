// Test helper: a small library of real photos (../shared/data/fixtures/wild) with known dates — EXIF set here, one dated by its file's time, one HEIC, one of two people together.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { dataPath } from './data.js';
import { HEIF_ENC, makeHeic } from './heic.js';

export interface SetPhoto {
  /** Path relative to the set's folder. */
  file: string;
  who: ('anna' | 'ben' | 'cy' | 'dee')[];
  /** The date the library must give it (ms since the epoch). */
  date: number;
  source: 'exif' | 'file';
}

const wild = (person: string, img: string) => dataPath('fixtures', 'wild', person, img)!;
const exifDate = (ms: number) => new Date(ms).toISOString().replace(/^(\d+)-(\d+)-(\d+)T([\d:]+).*$/, '$1:$2:$3 $4');

/** Re-encodes a real photo with EXIF DateTimeOriginal (UTC offset +00:00) set to `date`. */
async function dated(src: string | Buffer, date: number): Promise<Buffer> {
  return sharp(src)
    .withExif({ IFD2: { DateTimeOriginal: exifDate(date), OffsetTimeOriginal: '+00:00' } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * Writes the set under `dir` and returns what each photo is. Anna is wild/person01, Ben person02, Cy person03, Dee
 * person04; the
 * "together" photo puts one of each side by side. When heif-enc is absent the HEIC photo is left out (the caller
 * checks `heic`).
 */
export async function makePhotoSet(dir: string): Promise<{ photos: SetPhoto[]; heic: boolean }> {
  const at = (iso: string) => Date.parse(iso);
  const photos: SetPhoto[] = [];
  const put = async (file: string, bytes: Buffer, p: Omit<SetPhoto, 'file'>) => {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), bytes);
    photos.push({ file, ...p });
  };
  const exif = async (file: string, src: string, who: SetPhoto['who'], iso: string) =>
    put(file, await dated(src, at(iso)), { who, date: at(iso), source: 'exif' });

  await exif('2015/anna-beach.jpg', wild('person01', 'img1.jpg'), ['anna'], '2015-03-01T10:00:00Z');
  await exif('2018/anna-summer.jpg', wild('person01', 'img2.jpg'), ['anna'], '2018-07-14T12:00:00Z');
  await exif('2021/anna-xmas.jpg', wild('person01', 'img4.jpg'), ['anna'], '2021-12-24T18:00:00Z');
  await exif('2016/ben-snow.jpg', wild('person02', 'img12.jpg'), ['ben'], '2016-02-02T09:00:00Z');
  await exif('2022/ben-trip.jpg', wild('person02', 'img53.jpg'), ['ben'], '2022-08-08T08:00:00Z');
  await exif('2014/cy.jpg', wild('person03', 'img47.jpg'), ['cy'], '2014-06-01T12:00:00Z');
  await exif('2014/cy-2.jpg', wild('person03', 'img48.jpg'), ['cy'], '2014-06-02T12:00:00Z');
  for (const [i, img] of ['img49.jpg', 'img50.jpg', 'img51.jpg', 'img8.jpg', 'img9.jpg'].entries())
    await exif(
      `2014/cy-${i + 3}.jpg`,
      wild('person03', img),
      ['cy'],
      `2014-06-${String(i + 3).padStart(2, '0')}T12:00:00Z`,
    );
  for (const [i, img] of ['img13.jpg', 'img14.jpg', 'img15.jpg', 'img58.jpg'].entries())
    await exif(`2016/dee-${i + 1}.jpg`, wild('person04', img), ['dee'], `2016-02-${String(i + 10)}T12:00:00Z`);

  // Anna and Ben together: two real photos side by side, one face each.
  const h = 480;
  const left = await sharp(wild('person01', 'img6.jpg')).resize({ height: h }).toBuffer({ resolveWithObject: true });
  const right = await sharp(wild('person02', 'img56.jpg')).resize({ height: h }).toBuffer({ resolveWithObject: true });
  const both = await sharp({
    create: { width: left.info.width + right.info.width, height: h, channels: 3, background: '#808080' },
  })
    .composite([
      { input: left.data, left: 0, top: 0 },
      { input: right.data, left: left.info.width, top: 0 },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
  await put('2017/anna-and-ben.jpg', await dated(both, at('2017-10-10T15:00:00Z')), {
    who: ['anna', 'ben'],
    date: at('2017-10-10T15:00:00Z'),
    source: 'exif',
  });

  // No EXIF date: the file's time is the photo's date.
  const plain = await sharp(wild('person02', 'img3.jpg')).jpeg({ quality: 90 }).toBuffer();
  await put('2020/ben-undated.jpg', plain, { who: ['ben'], date: at('2020-01-01T12:00:00Z'), source: 'file' });
  utimesSync(join(dir, '2020/ben-undated.jpg'), new Date('2020-01-01T12:00:00Z'), new Date('2020-01-01T12:00:00Z'));

  // An iPhone-style photo: HEIC with its EXIF date.
  if (HEIF_ENC) {
    mkdirSync(join(dir, '2019'), { recursive: true });
    const src = join(dir, '..', `anna-heic-src-${process.pid}.jpg`);
    writeFileSync(src, await dated(wild('person01', 'img5.jpg'), at('2019-05-05T11:00:00Z')));
    makeHeic(src, join(dir, '2019/anna-phone.heic'));
    photos.push({ file: '2019/anna-phone.heic', who: ['anna'], date: at('2019-05-05T11:00:00Z'), source: 'exif' });
  }
  return { photos, heic: HEIF_ENC };
}

/** The set's photos of a person (or of all of `who`), newest first. */
export function photosOf(photos: SetPhoto[], ...who: SetPhoto['who']): SetPhoto[] {
  return photos.filter((p) => who.every((w) => p.who.includes(w))).sort((a, b) => b.date - a.date);
}
