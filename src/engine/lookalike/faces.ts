// Engine (lookalike): the stored backbone features of a person's faces (quality-gated) and the training set of named people plus two chosen ones.
import { loadOptions } from '../cluster/load.js';
import type { Dataset } from '../arcface/dataset.js';
import { PeopleStore } from '../store/people.js';
import type { Db } from '../store/db.js';
import { getPerson } from '../people/ops.js';

export interface PersonFaces {
  personId: number;
  label: string;
  faceIds: number[];
  features: Float32Array[];
}

/**
 * A person's faces with their stored backbone features, in face-id order. The quality gate of clustering
 * applies ([Note: quality gate]): a low-quality face counts only when the user placed it. `userOnly` keeps only
 * faces the user placed (after a split, the auto-assigned rest of a look-alike may still be mixed).
 */
export function personFaces(
  db: Db,
  personId: number,
  o: { userOnly?: boolean; minQuality?: number } = {},
): PersonFaces {
  const p = getPerson(db, personId);
  const rows = new PeopleStore(db).featuresOf(personId, {
    userOnly: o.userOnly ?? false,
    minQuality: o.minQuality ?? loadOptions.minQuality,
  });
  return {
    personId,
    label: p.name ?? `person ${p.id}`,
    faceIds: rows.map((r) => r.id),
    features: rows.map((r) => r.feature),
  };
}

/** Visible named people other than `except`, by id. */
export function namedPeople(db: Db, except: readonly number[]): number[] {
  return new PeopleStore(db).visibleNamedIds().filter((id) => !except.includes(id));
}

/**
 * The training set of a look-alike fine-tune: persons `a` and `b` (named or not) first, as labels 0 and 1, then
 * every other visible named person with at least `minOther` faces. Keyed by person id, so two people sharing a
 * name stay two classes. Sources are 'face:ID'.
 */
export function lookalikeDataset(
  db: Db,
  a: number,
  b: number,
  o: { userOnly?: boolean; minOther?: number } = {},
): { dataset: Dataset; personIds: number[] } {
  const ds: Dataset = { identities: [], features: [], labels: [], sources: [], failures: [] };
  const personIds: number[] = [];
  const add = (pf: PersonFaces) => {
    const label = ds.identities.length;
    ds.identities.push(pf.label);
    personIds.push(pf.personId);
    pf.features.forEach((f, i) => {
      ds.features.push(f);
      ds.labels.push(label);
      ds.sources.push(`face:${pf.faceIds[i]}`);
    });
  };
  add(personFaces(db, a, o));
  add(personFaces(db, b, o));
  for (const id of namedPeople(db, [a, b])) {
    const pf = personFaces(db, id, o);
    if (pf.features.length >= (o.minOther ?? 2)) add(pf);
    else ds.failures.push({ file: pf.label, reason: `left out: ${pf.features.length} usable face(s)` });
  }
  return { dataset: ds, personIds };
}
