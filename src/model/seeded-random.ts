// A small seeded PRNG (mulberry32) whose whole state is one uint32, so training runs are
// reproducible and the state fits in a checkpoint.

export class SeededRandom {
  constructor(private s: number) { this.s = s >>> 0; }

  get state(): number { return this.s; }
  set state(v: number) { this.s = v >>> 0; }

  /** uniform in [0, 1) */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number { return Math.floor(this.next() * n); }

  /** uniform in [lo, hi) */
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }
}
