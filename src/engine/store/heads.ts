// Engine (store): ArcFace head versions — their rows, weights and which one is active.
import type { Db } from './db.js';

export type HeadKind = 'identity' | 'trained' | 'finetuned';

export interface HeadRow {
  id: number;
  name: string;
  kind: HeadKind;
  parentId: number | null;
  createdAt: number;
  active: boolean;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

/** A heads row as SQLite gives it (without the weights blob). */
export interface HeadDbRow {
  id: number;
  name: string;
  kind: HeadKind;
  parent_id: number | null;
  created_at: number;
  active: number;
  config: string;
  metrics: string;
}

export interface NewHead {
  name: string;
  kind: Exclude<HeadKind, 'identity'>;
  parentId: number | null;
  config: unknown;
  metrics: unknown;
  /** The serialized weights (arcface/head-weights.ts). */
  weights: Buffer;
}

/** A JSON object column, or {} when it is not one (a damaged row never breaks a list). */
function objectOf(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class HeadStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      insert: db.prepare(
        `INSERT INTO heads (name, kind, parent_id, created_at, config, metrics, weights, active)
         VALUES (@name, @kind, @parentId, @createdAt, @config, @metrics, @weights, 0)`,
      ),
      metrics: db.prepare<[string, number]>('UPDATE heads SET metrics = ? WHERE id = ?'),
      list: db.prepare<[], HeadDbRow>(
        'SELECT id, name, kind, parent_id, created_at, active, config, metrics FROM heads ORDER BY id',
      ),
      active: db.prepare<[], { id: number; kind: HeadKind; weights: Buffer | null }>(
        'SELECT id, kind, weights FROM heads WHERE active = 1',
      ),
      weights: db.prepare<[number], { kind: HeadKind; weights: Buffer | null }>(
        'SELECT kind, weights FROM heads WHERE id = ?',
      ),
      clearActive: db.prepare('UPDATE heads SET active = 0 WHERE active = 1'),
      setActive: db.prepare<[number]>('UPDATE heads SET active = 1 WHERE id = ?'),
    };
  }

  insert(h: NewHead, now = Date.now()): number {
    const r = this.#s.insert.run({
      name: h.name,
      kind: h.kind,
      parentId: h.parentId,
      createdAt: now,
      config: JSON.stringify(h.config),
      metrics: JSON.stringify(h.metrics),
      weights: h.weights,
    });
    return Number(r.lastInsertRowid);
  }

  setMetrics(id: number, metrics: unknown): void {
    this.#s.metrics.run(JSON.stringify(metrics), id);
  }

  list(): HeadRow[] {
    return this.#s.list.all().map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      parentId: r.parent_id,
      createdAt: r.created_at,
      active: r.active === 1,
      config: objectOf(r.config),
      metrics: objectOf(r.metrics),
    }));
  }

  /** The active head's id, kind and serialized weights (null for the identity head). */
  active(): { id: number; kind: HeadKind; weights: Buffer | null } {
    const r = this.#s.active.get();
    if (!r) throw new Error('no active head in this library');
    return r;
  }

  /** A head's kind and serialized weights, or undefined for an unknown id. */
  weights(id: number): { kind: HeadKind; weights: Buffer | null } | undefined {
    return this.#s.weights.get(id);
  }

  /** Makes `id` the one active head; call inside the transaction that re-embeds the faces. */
  setActive(id: number): void {
    this.#s.clearActive.run();
    this.#s.setActive.run(id);
  }
}
