// Engine (store): the registry of numbered migrations, strictly increasing; each exports up(db).
import type { Database } from 'better-sqlite3';
import * as m001 from './001_core.js';
import * as m002 from './002_people.js';
import * as m003 from './003_training.js';
import * as m004 from './004_face_order.js';
import * as m005 from './005_thumb_journal.js';
import * as m006 from './006_quality_norm.js';
import * as m007 from './007_photo_dates.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** Add new migrations at the end with the next number; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'core', up: m001.up },
  { version: 2, name: 'people', up: m002.up },
  { version: 3, name: 'training', up: m003.up },
  { version: 4, name: 'face-order', up: m004.up },
  { version: 5, name: 'thumb-journal', up: m005.up },
  { version: 6, name: 'quality-norm', up: m006.up },
  { version: 7, name: 'photo-dates', up: m007.up },
];
