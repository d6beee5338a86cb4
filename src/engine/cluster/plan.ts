// Engine (cluster): turns a clustering into a plan over people (what moves where), to preview or apply.
import { ClusterStore } from '../store/clustering.js';
import type { Db } from '../store/db.js';
import { recordOp } from '../store/history.js';
import type { Clustering } from './input.js';
import type { LoadedFaces } from './load.js';
import { GroupModels } from './models.js';

export interface PlanChange {
  personId: number | null; // null: a person the plan would create
  name: string | null;
  gained: number;
  lost: number;
}

export interface ReclusterPlan {
  faceIds: Int32Array;
  /** Person of each face after the plan: an existing id, a new person (-1 - cluster index), or 0 (unknown). */
  target: Int32Array;
  current: Int32Array;
  /** Low-quality faces among them (the last ones): they joined a group only by the late attach step. */
  lowFaces: number;
  peopleBefore: number;
  peopleAfter: number;
  facesMoved: number;
  newPeople: number;
  removedPeople: number;
  changes: PlanChange[];
}

interface PersonInfo {
  name: string | null;
  touched: boolean;
}

/**
 * [Note: re-cluster keeps the user's word] Clusters are matched to existing people so that nothing the user said
 * is lost. A cluster holding user-placed faces of X is X (clustering never puts two people's placed faces
 * together). Other clusters go to the person that held most of their faces before, in order of overlap: an
 * untouched person (unnamed, never edited) takes one cluster, the rest become new people; a person the user has
 * named, merged, moved into or hidden takes every cluster made mostly of its old faces, so a merge survives even
 * when the algorithm alone would split it. A rejected face is never planned into the person it was rejected from,
 * and no person receives two faces of one photo. Named or touched people are never deleted, even when empty.
 */
export function planRecluster(
  db: Db,
  loaded: LoadedFaces,
  clustering: Clustering,
  attachThreshold: number | ((count: number) => number),
): ReclusterPlan {
  const { input } = loaded;
  const n = input.n;
  const people = new Map<number, PersonInfo>();
  for (const p of new ClusterStore(db).people()) {
    people.set(p.id, { name: p.name, touched: p.name !== null || p.hidden === 1 || p.pinned === 1 });
  }
  const { labels, clusters } = clustering;
  const members: number[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < n; i++) if (labels[i]! >= 0) members[labels[i]!]!.push(i);
  const clusterTarget = new Int32Array(clusters);
  const photosOf = new Map<number, Set<number>>();
  const take = (c: number, p: number) => {
    clusterTarget[c] = p;
    let s = photosOf.get(p);
    if (!s) photosOf.set(p, (s = new Set()));
    for (const i of members[c]!) s.add(input.photos[i]!);
  };
  // 1. clusters with user-placed faces
  for (let c = 0; c < clusters; c++) {
    const fixed = members[c]!.map((i) => input.fixed[i]!).find((p) => p !== 0);
    if (fixed) take(c, fixed);
  }
  // 2. the rest by overlap with the old assignment
  const candidates: [number, number, number][] = [];
  for (let c = 0; c < clusters; c++) {
    if (clusterTarget[c]) continue;
    const count = new Map<number, number>();
    for (const i of members[c]!)
      if (loaded.person[i]) count.set(loaded.person[i]!, (count.get(loaded.person[i]!) ?? 0) + 1);
    for (const [p, k] of count) candidates.push([k, c, p]);
  }
  candidates.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  const taken = new Set<number>(Array.from(clusterTarget).filter((p) => p > 0));
  for (const [k, c, p] of candidates) {
    if (clusterTarget[c]) continue;
    const info = people.get(p);
    if (!info) continue;
    const size = members[c]!.length;
    if (taken.has(p) && !(info.touched && 2 * k > size)) continue;
    if (info.touched && 2 * k <= size) continue;
    if (members[c]!.some((i) => input.rejects.get(i)?.includes(p))) continue;
    const ph = photosOf.get(p);
    if (ph && members[c]!.some((i) => ph.has(input.photos[i]!))) continue;
    take(c, p);
    taken.add(p);
  }
  // 3. new people (clusters emptied by the junk step create nobody)
  let newPeople = 0;
  for (let c = 0; c < clusters; c++)
    if (!clusterTarget[c] && members[c]!.length > 0) {
      clusterTarget[c] = -1 - c;
      newPeople++;
    }
  const low = loaded.low;
  const m = low.faceIds.length;
  const faceIds = new Int32Array(n + m);
  faceIds.set(loaded.faceIds);
  faceIds.set(low.faceIds, n);
  const current = new Int32Array(n + m);
  current.set(loaded.person);
  current.set(low.person, n);
  const target = new Int32Array(n + m);
  for (let i = 0; i < n; i++) target[i] = labels[i]! >= 0 ? clusterTarget[labels[i]!]! : 0;
  // user-placed faces never move, whatever the clustering said
  for (let i = 0; i < n; i++) if (loaded.user[i]) target[i] = current[i]!;
  // low-quality faces join a planned person they clearly resemble, or nobody (see [Note: quality gate])
  if (m > 0) {
    const open = Int32Array.from(target.subarray(0, n), (t, i) =>
      labels[i]! >= 0 && clustering.noAttach?.[labels[i]!] ? 0 : t,
    );
    const groups = new GroupModels(input.vectors, input.dim, input.photos, open);
    const slots = groups.attach(low, attachThreshold);
    for (let j = 0; j < m; j++) if (slots[j]! >= 0) target[n + j] = groups.ids[slots[j]!]!;
  }

  const gained = new Map<number, number>();
  const lost = new Map<number, number>();
  const bump = (m: Map<number, number>, p: number) => m.set(p, (m.get(p) ?? 0) + 1);
  let facesMoved = 0;
  for (let i = 0; i < n + m; i++) {
    if (target[i] === current[i]) continue;
    facesMoved++;
    if (current[i]) bump(lost, current[i]!);
    if (target[i]) bump(gained, target[i]!);
  }
  const sizeBefore = new ClusterStore(db).sizes();
  const peopleBefore = sizeBefore.size;
  let removedPeople = 0;
  let peopleAfter = newPeople;
  for (const [p, s] of sizeBefore) {
    const after = s + (gained.get(p) ?? 0) - (lost.get(p) ?? 0);
    if (after > 0) peopleAfter++;
    else removedPeople++;
  }
  for (const [p] of gained) if (p > 0 && !sizeBefore.has(p)) peopleAfter++;
  const changes: PlanChange[] = [];
  const ids = new Set([...gained.keys(), ...lost.keys()]);
  for (const p of [...ids].sort((a, b) => (a > 0 && b > 0 ? a - b : b - a))) {
    changes.push({
      personId: p > 0 ? p : null,
      name: p > 0 ? (people.get(p)?.name ?? null) : null,
      gained: gained.get(p) ?? 0,
      lost: lost.get(p) ?? 0,
    });
  }
  return {
    faceIds,
    target,
    current,
    lowFaces: m,
    peopleBefore,
    peopleAfter,
    facesMoved,
    newPeople,
    removedPeople,
    changes,
  };
}

/** Writes the plan as one undoable operation; returns the number of people with faces and of unknown faces after it. */
export function applyPlan(
  db: Db,
  plan: ReclusterPlan,
  summary = 'Re-cluster faces',
): { people: number; unknown: number } {
  recordOp(db, 'recluster', summary, () => {
    const created = new Map<number, number>();
    const now = Date.now();
    const store = new ClusterStore(db);
    for (let i = 0; i < plan.faceIds.length; i++) {
      const t = plan.target[i]!;
      if (t === plan.current[i]) continue;
      if (t === 0) {
        store.unplaceAuto(plan.faceIds[i]!);
        continue;
      }
      let p = t;
      if (t < 0) {
        p = created.get(t) ?? store.newGroup(now);
        created.set(t, p);
      }
      store.placeAuto(plan.faceIds[i]!, p, now);
    }
    // Untouched people left without faces are gone; named or edited ones stay (their name and rejections live on).
    store.dropEmptyGroups();
  });
  return new ClusterStore(db).totals();
}
