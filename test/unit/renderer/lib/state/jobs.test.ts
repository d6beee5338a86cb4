// Test (unit, renderer state): Jobs follows a real import and a real training run from the engine's progress events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../../helpers/svelte.js';
import { skipUnlessData } from '../../../../helpers/data.js';
import { presetMargins } from '../../../../../src/shared/losses.js';
import { bbtCopy, openHostApi, until } from '../../host-api.js';

const { Jobs } = await import('../../../../../renderer/src/lib/state/jobs.svelte.js');
const skip = skipUnlessData('fixtures', 'bbt');
// The tests of this file run in order on one library.
const { api, dir } = await openHostApi();
const jobs = new Jobs(api);

test('an import shows as active while it runs, then complete with its counts', { skip, timeout: 120_000 }, async () => {
  assert.equal(jobs.imports.length, 0);
  assert.equal(jobs.activeImport, undefined);
  let sawActive = false;
  const paths = [bbtCopy(dir, ['amy', 'penny', 'raj', 'sheldon'])];
  await api.files.choose({ paths });
  const { jobId } = await api.library.addFolders({ paths });
  await until('the import to end', () => {
    if (jobs.activeImport?.jobId === jobId) sawActive = true;
    return jobs.imports.some((p) => p.jobId === jobId && p.status !== 'scanning' && p.status !== 'importing');
  });
  assert.ok(sawActive, 'the running import was the active one');
  const done = jobs.imports.find((p) => p.jobId === jobId)!;
  assert.equal(done.status, 'complete');
  assert.equal(done.total, 20);
  assert.equal(done.done, 20);
  assert.equal(done.faces, 20);
  assert.equal(jobs.activeImport, undefined);
  assert.deepEqual(jobs.train(jobId), [], 'an import is no training run');
});

test(
  'a training run keeps every progress event, in order, ending with its head',
  { skip, timeout: 120_000 },
  async () => {
    const people = (await api.people.list({})).items;
    assert.equal(people.length, 4);
    for (const [i, p] of people.entries()) await api.people.rename({ personId: p.id, name: `person ${i}` });
    const { jobId } = await api.train.start({ loss: 'arcface', margins: presetMargins('arcface'), epochs: 2 });
    await until('training to end', () => ['complete', 'failed'].includes(jobs.train(jobId).at(-1)?.status ?? ''));
    const runs = jobs.train(jobId);
    assert.equal(runs.at(-1)!.status, 'complete', runs.at(-1)!.message ?? '');
    assert.ok(runs.length >= 2, `${runs.length} events`);
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.step >= runs[i - 1]!.step, 'steps never go back');
    const heads = await api.heads.list();
    assert.ok(
      heads.some((h) => h.id === runs.at(-1)!.headId),
      'the last event names the head it made',
    );
    assert.deepEqual(jobs.train(undefined), []);
    assert.deepEqual(jobs.train('no-such-job'), []);
  },
);

test('once disposed, it hears nothing more', { skip, timeout: 120_000 }, async () => {
  jobs.dispose();
  const other = new Jobs(api);
  const { jobId } = await api.library.rescan({});
  await until('the rescan to end', () => other.imports.some((p) => p.jobId === jobId && p.status === 'complete'));
  assert.ok(!jobs.imports.some((p) => p.jobId === jobId));
  other.dispose();
});
