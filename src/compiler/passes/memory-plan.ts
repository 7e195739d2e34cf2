// Static memory plan: every intermediate tensor gets an offset in one arena per shape class, by the
// greedy-by-size strategy of Pisarchyk & Lee 2020 (TFLite's planner): largest first, each placed in the
// smallest gap left by already-placed tensors whose lifetimes overlap. Sizes are per unit of the batch
// symbol N; all sizes and offsets scale by N together, so one plan serves every N.
import type { Node } from '../../onnx/graph.js';

export interface TensorLifetime { name: string; bytes: number; first: number; last: number }

export interface MemoryPlan {
  offsets: Map<string, number>;
  /** arena bytes (per unit of N) */
  arenaBytes: number;
  /** what one buffer per tensor would take (per unit of N) */
  naiveBytes: number;
  lifetimes: TensorLifetime[];
}

/** Lifetimes (step of producer .. step of last reader) of the tensors `inArena` selects, in `order`. */
export function tensorLifetimes(order: Node[], bytes: (t: string) => number, inArena: (t: string) => boolean): TensorLifetime[] {
  const spans = new Map<string, TensorLifetime>();
  order.forEach((node, step) => {
    for (const i of node.inputs) { const s = spans.get(i); if (s) s.last = step; }
    for (const o of node.outputs) if (inArena(o)) spans.set(o, { name: o, bytes: bytes(o), first: step, last: step });
  });
  return [...spans.values()];
}

const overlaps = (a: TensorLifetime, b: TensorLifetime): boolean => a.first <= b.last && b.first <= a.last;

export function planMemory(lifetimes: TensorLifetime[], alignment = 16): MemoryPlan {
  const align = (n: number) => Math.ceil(n / alignment) * alignment;
  const placed: { t: TensorLifetime; offset: number }[] = [];
  const bySize = [...lifetimes].sort((a, b) => b.bytes - a.bytes || a.first - b.first);
  for (const t of bySize) {
    const size = align(t.bytes);
    const busy = placed.filter((p) => overlaps(p.t, t)).sort((a, b) => a.offset - b.offset);
    let best = -1, bestGap = Infinity, cursor = 0;
    for (const p of busy) {
      const gap = p.offset - cursor;
      if (gap >= size && gap < bestGap) { best = cursor; bestGap = gap; }
      cursor = Math.max(cursor, p.offset + align(p.t.bytes));
    }
    placed.push({ t, offset: best >= 0 ? best : cursor });
  }
  return {
    offsets: new Map(placed.map((p) => [p.t.name, p.offset])),
    arenaBytes: placed.reduce((m, p) => Math.max(m, p.offset + align(p.t.bytes)), 0),
    naiveBytes: lifetimes.reduce((s, t) => s + align(t.bytes), 0),
    lifetimes,
  };
}

/** The baseline without a memory plan: every tensor its own region, one after another (what a buffer per tensor takes). */
export function planMemoryWithoutReuse(lifetimes: TensorLifetime[], alignment = 16): MemoryPlan {
  const align = (n: number) => Math.ceil(n / alignment) * alignment;
  const offsets = new Map<string, number>();
  let end = 0;
  for (const t of lifetimes) { offsets.set(t.name, end); end += align(t.bytes); }
  return { offsets, arenaBytes: end, naiveBytes: end, lifetimes };
}
