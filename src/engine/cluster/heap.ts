// Engine (cluster): a max-heap of candidate merges (score, a, b) in typed arrays, deterministic on ties.

/** Pops the highest score first; equal scores pop the smaller (a, b) first, so runs never depend on push order. */
export class MergeHeap {
  private score = new Float64Array(1024);
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  size = 0;

  push(score: number, a: number, b: number): void {
    if (this.size === this.score.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(score, a, b, p)) break;
      this.move(p, i);
      i = p;
    }
    this.set(i, score, a, b);
  }

  /** Removes the top entry into `out`; false when empty. */
  pop(out: { score: number; a: number; b: number }): boolean {
    if (this.size === 0) return false;
    out.score = this.score[0]!;
    out.a = this.a[0]!;
    out.b = this.b[0]!;
    const last = --this.size;
    if (last === 0) return true;
    const s = this.score[last]!;
    const a = this.a[last]!;
    const b = this.b[last]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.beforeIdx(r, l) ? r : l;
      if (this.before(s, a, b, c)) break;
      this.move(c, i);
      i = c;
    }
    this.set(i, s, a, b);
    return true;
  }

  private before(s: number, a: number, b: number, j: number): boolean {
    const t = this.score[j]!;
    if (s !== t) return s > t;
    if (a !== this.a[j]) return a < this.a[j]!;
    return b < this.b[j]!;
  }

  private beforeIdx(i: number, j: number): boolean {
    return this.before(this.score[i]!, this.a[i]!, this.b[i]!, j);
  }

  private move(from: number, to: number): void {
    this.score[to] = this.score[from]!;
    this.a[to] = this.a[from]!;
    this.b[to] = this.b[from]!;
  }

  private set(i: number, s: number, a: number, b: number): void {
    this.score[i] = s;
    this.a[i] = a;
    this.b[i] = b;
  }

  private grow(): void {
    const cap = this.score.length * 2;
    const g = <T extends Float64Array | Int32Array>(x: T, make: (n: number) => T): T => {
      const y = make(cap);
      y.set(x);
      return y;
    };
    this.score = g(this.score, (n) => new Float64Array(n));
    this.a = g(this.a, (n) => new Int32Array(n));
    this.b = g(this.b, (n) => new Int32Array(n));
  }
}
