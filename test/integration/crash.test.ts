// Integration tests (crash harness): a real `facelens import` and `facelens cluster` killed with SIGKILL at seeded random moments.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runDoctor } from '../../src/engine/doctor/doctor.js';
import { rng } from '../../src/engine/cluster/synthetic.js';
import { Engine } from '../../src/engine/api/engine.js';
import { hashBytes } from '../../src/engine/image/hash.js';
import { confirm, createPerson, reject, rename } from '../../src/engine/people/ops.js';
import { openDb, type Db } from '../../src/engine/store/db.js';
import { BIN, skipUnlessBuilt } from '../helpers/built.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const skip = skipUnlessData('fixtures', 'wild') || skipUnlessData('celeba-wild') || skipUnlessBuilt();

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

/**
 * [Note: kill moments] A kill lands at a seeded random fraction (0.1-0.8) of how long the same command took
 * when it ran to the end (`expect`), so the harness kills mid-way on a fast idle machine as on a loaded one; a
 * fixed window in milliseconds let every run finish first on a fast machine. Each uncut run updates the estimate.
 */
class KillClock {
  constructor(
    private ms: number,
    private readonly random: () => number,
  ) {}
  next(): number {
    return this.ms * (0.1 + 0.7 * this.random());
  }
  saw(run: Run): void {
    if (run.signal !== 'SIGKILL') this.ms = run.ms;
  }
}

/** Runs the built CLI ([Note: tests run the build]); with `killAfterMs`, sends SIGKILL then (no clean-up of any kind can run). */
function cli(args: string[], killAfterMs?: number): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, ms: performance.now() - t0 });
    });
  });
}

function photoFolder(root: string): string {
  const dir = join(root, 'photos');
  mkdirSync(dir, { recursive: true });
  const wild = dataPath('fixtures', 'wild')!;
  for (const person of readdirSync(wild)
    .filter((n) => n.startsWith('person'))
    .slice(0, 8)) {
    for (const name of readdirSync(join(wild, person)))
      copyFileSync(join(wild, person, name), join(dir, `${person}-${name}`));
  }
  return dir;
}

const n = (db: Db, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

/** What must hold after any kill: an intact database where every photo is whole or not there at all. */
function checkConsistent(db: Db): void {
  assert.equal((db.pragma('quick_check') as { quick_check: string }[])[0]!.quick_check, 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  assert.equal(
    n(db, "SELECT count(*) AS n FROM faces f JOIN photos p ON p.id = f.photo_id WHERE p.status != 'done'"),
    0,
    'faces of unfinished photos',
  );
  assert.equal(
    n(db, 'SELECT count(*) AS n FROM faces f LEFT JOIN embeddings e ON e.face_id = f.id WHERE e.face_id IS NULL'),
    0,
    'faces without embeddings',
  );
  assert.equal(
    n(db, 'SELECT count(*) AS n FROM (SELECT hash FROM photos GROUP BY hash HAVING count(*) > 1)'),
    0,
    'a photo imported twice',
  );
  assert.equal(
    n(db, 'SELECT count(*) AS n FROM (SELECT path FROM files GROUP BY path HAVING count(*) > 1)'),
    0,
    'a file recorded twice',
  );
}

describe('crash harness', { skip }, () => {
  test('import killed 20 times at random moments, then finished: every photo once, index consistent', async () => {
    const root = tempDir();
    const folder = photoFolder(root);
    const dbPath = join(root, 'lib', 'library.db');
    const random = rng(20261128);
    // Every run meets new photos (and now and then a renamed one), so each kill lands mid-import.
    const wild = dataPath('celeba-wild')!;
    const more = readdirSync(wild)
      .sort()
      .flatMap((id) =>
        readdirSync(join(wild, id))
          .sort()
          .map((f) => join(wild, id, f)),
      );
    // How long one run takes here: the first batch imported into a scratch library.
    for (const src of more.slice(0, 12)) copyFileSync(src, join(folder, `wild-0-${src.split('/').pop()}`));
    const calibration = await cli(['import', folder, '--db', join(root, 'scratch', 'library.db')]);
    assert.equal(calibration.code, 0, calibration.stderr);
    const clock = new KillClock(calibration.ms, random);
    let kills = 0;
    for (let trial = 0; trial < 20; trial++) {
      for (const src of more.slice(trial * 12, trial * 12 + 12))
        copyFileSync(src, join(folder, `wild-${trial}-${src.split('/').pop()}`));
      if (trial % 5 === 4) {
        const name = readdirSync(folder).find((f) => f.startsWith('person'))!;
        renameSync(join(folder, name), join(folder, `moved-${trial}-${name}`));
      }
      const r = await cli(['import', folder, '--db', dbPath], clock.next());
      clock.saw(r);
      if (r.signal === 'SIGKILL') kills++;
      else assert.equal(r.code, 0, r.stderr);
      let db = openDb(dbPath);
      try {
        checkConsistent(db);
      } finally {
        db.close();
      }
      if (r.signal !== 'SIGKILL') continue;
      // The same import again resumes where the kill left it, and leaves nothing for doctor to find.
      const resumed = await cli(['import', folder, '--db', dbPath]);
      assert.equal(resumed.code, 0, resumed.stderr);
      db = openDb(dbPath);
      try {
        checkConsistent(db);
        const report = await runDoctor(db, dbPath);
        assert.deepEqual(report.problems, [], `after kill ${kills}, resumed: ${JSON.stringify(report.problems)}`);
      } finally {
        db.close();
      }
    }
    assert.ok(kills >= 10, `only ${kills} of 20 runs were killed mid-way: the harness is not testing crashes`);
    const hashes = new Set(readdirSync(folder).map((f) => hashBytes(readFileSync(join(folder, f)))));
    const final = await cli(['import', folder, '--db', dbPath]);
    assert.equal(final.code, 0, final.stderr);

    const db = openDb(dbPath);
    checkConsistent(db);
    assert.equal(n(db, 'SELECT count(*) AS n FROM photos'), hashes.size);
    assert.equal(n(db, "SELECT count(*) AS n FROM photos WHERE status = 'done'"), hashes.size);
    assert.equal(n(db, 'SELECT count(*) AS n FROM files WHERE photo_id IS NOT NULL'), readdirSync(folder).length);
    const report = await runDoctor(db, dbPath);
    assert.deepEqual(report.problems, [], JSON.stringify(report.problems));
    const faces = n(db, 'SELECT count(*) AS n FROM faces');
    db.close();

    // The same photos imported without interruption give the same faces.
    const clean = join(root, 'clean', 'library.db');
    assert.equal((await cli(['import', folder, '--db', clean])).code, 0);
    const cdb = openDb(clean);
    assert.equal(n(cdb, 'SELECT count(*) AS n FROM faces'), faces);
    cdb.close();

    const engine = Engine.open(dbPath);
    try {
      assert.equal(engine.library.stats().indexSize, faces);
    } finally {
      await engine.close();
    }
  });

  test('re-clustering killed at random moments keeps every name, confirmation and rejection', async () => {
    const root = tempDir();
    const folder = photoFolder(root);
    const dbPath = join(root, 'lib', 'library.db');
    assert.equal((await cli(['import', folder, '--db', dbPath])).code, 0);
    const uncut = await cli(['cluster', '--db', dbPath]);
    assert.equal(uncut.code, 0, uncut.stderr);
    let db = openDb(dbPath);
    const faceIds = (
      db.prepare('SELECT id FROM faces WHERE quality IS NULL OR quality > 0 ORDER BY id').all() as { id: number }[]
    ).map((r) => r.id);
    const alice = createPerson(db);
    rename(db, alice, 'Alice');
    confirm(db, alice, faceIds.slice(0, 2));
    reject(db, alice, faceIds.slice(2, 3));
    const before = {
      people: db.prepare('SELECT id, name FROM people WHERE name IS NOT NULL ORDER BY id').all(),
      user: db.prepare("SELECT face_id, person_id FROM face_people WHERE source = 'user' ORDER BY face_id").all(),
      rejections: db.prepare('SELECT face_id, person_id FROM face_rejections ORDER BY face_id').all(),
    };
    db.close();
    const clock = new KillClock(uncut.ms, rng(7));
    for (let trial = 0; trial < 6; trial++) {
      clock.saw(await cli(['cluster', '--db', dbPath], clock.next()));
      db = openDb(dbPath);
      checkConsistent(db);
      assert.deepEqual(
        db.prepare('SELECT id, name FROM people WHERE name IS NOT NULL ORDER BY id').all(),
        before.people,
      );
      assert.deepEqual(
        db.prepare("SELECT face_id, person_id FROM face_people WHERE source = 'user' ORDER BY face_id").all(),
        before.user,
      );
      assert.deepEqual(
        db.prepare('SELECT face_id, person_id FROM face_rejections ORDER BY face_id').all(),
        before.rejections,
      );
      assert.equal(
        n(db, 'SELECT count(*) AS n FROM (SELECT face_id FROM face_people GROUP BY face_id HAVING count(*) > 1)'),
        0,
      );
      db.close();
    }
  });

  test(
    'training killed at random moments leaves a finished head or none, never half of one',
    { skip: skipUnlessData('celebs24') },
    async () => {
      const root = tempDir();
      const labels = join(root, 'labels');
      const src = dataPath('celebs24')!;
      for (const person of readdirSync(src)
        .filter((d) => !d.includes('.'))
        .sort()
        .slice(0, 5)) {
        mkdirSync(join(labels, person), { recursive: true });
        for (const f of readdirSync(join(src, person)).sort().slice(0, 24))
          symlinkSync(join(src, person, f), join(labels, person, f));
      }
      const dbPath = join(root, 'lib', 'library.db');
      const args = ['train', '--labels', labels, '--aligned', '--epochs', '30', '--db', dbPath];
      const random = rng(11);
      const headsOk = (db: Db) => {
        checkConsistent(db);
        assert.equal(
          n(db, "SELECT count(*) AS n FROM heads WHERE kind != 'identity' AND (weights IS NULL OR metrics = '{}')"),
          0,
          'a head without weights or metrics',
        );
        assert.equal(n(db, 'SELECT count(*) AS n FROM heads WHERE active = 1'), 1);
        assert.equal(n(db, 'SELECT count(*) AS n FROM train_features WHERE feature IS NULL AND reason IS NULL'), 0);
        return n(db, 'SELECT count(*) AS n FROM heads');
      };
      let heads = 1;
      let kills = 0;
      // The first run goes to the end: it says how long a run takes here (and caches the features).
      const clock = new KillClock(0, random);
      for (let trial = 0; trial < 6; trial++) {
        const r = await cli(args, trial === 0 ? undefined : clock.next());
        clock.saw(r);
        if (r.signal === 'SIGKILL') kills++;
        else assert.equal(r.code, 0, r.stderr);
        const db = openDb(dbPath);
        try {
          const now = headsOk(db);
          assert.ok(now === heads || now === heads + 1, `heads went from ${heads} to ${now}`);
          if (r.signal !== 'SIGKILL') assert.equal(now, heads + 1, 'a finished run stores its head');
          heads = now;
        } finally {
          db.close();
        }
      }
      assert.ok(kills >= 3, `only ${kills} of 5 training runs were killed mid-way`);
      const final = await cli(args);
      assert.equal(final.code, 0, final.stderr);
      const db = openDb(dbPath);
      assert.equal(headsOk(db), heads + 1);
      db.close();
    },
  );
});
