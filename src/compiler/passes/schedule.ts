// Static execution planning (paper section 2.3): an operator order minimising peak live memory.
// Stages: partition the graph's given topological order into windows (never across a tensor the analysis
// marks not-a-constant, whose size is unknown until run time), then search every order inside each window
// exhaustively (DP over the set of executed nodes), keeping the outside order fixed.
import type { Graph, Node } from '../../onnx/graph.js';

export interface ScheduleOptions {
  /** nodes per exhaustively searched window (2^window states) */
  window?: number;
  /** tensors whose size is not a constant (nac): windows end at their producers */
  barriers?: ReadonlySet<string>;
}

export interface Schedule { order: Node[]; peakBytes: number }

/** Peak over steps of the bytes live while each node runs (its inputs still needed, its outputs). */
export function peakLiveBytes(graph: Graph, order: Node[], bytes: (tensor: string) => number): number {
  const lastUse = lastUses(graph, order);
  const live = new Set<string>();
  let peak = 0;
  order.forEach((node, step) => {
    for (const o of node.outputs) live.add(o);
    peak = Math.max(peak, [...live].reduce((s, t) => s + bytes(t), 0));
    for (const t of [...live]) if ((lastUse.get(t) ?? -1) <= step) live.delete(t);
  });
  return peak;
}

function lastUses(graph: Graph, order: Node[]): Map<string, number> {
  const last = new Map<string, number>();
  order.forEach((n, step) => n.inputs.forEach((i) => { if (i) last.set(i, step); }));
  for (const o of graph.outputs) last.set(o.name, order.length);
  return last;
}

export function scheduleForMemory(graph: Graph, bytes: (tensor: string) => number, opts: ScheduleOptions = {}): Schedule {
  const windowSize = opts.window ?? 12;
  const barriers = opts.barriers ?? new Set<string>();
  const order = [...graph.nodes];
  const windows: Node[][] = [];
  let current: Node[] = [];
  for (const n of order) {
    current.push(n);
    if (current.length === windowSize || n.outputs.some((o) => barriers.has(o))) { windows.push(current); current = []; }
  }
  if (current.length) windows.push(current);

  const consumers = new Map<string, Node[]>();
  for (const n of order) for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const graphOutputs = new Set(graph.outputs.map((o) => o.name));

  const result: Node[] = [];
  windows.forEach((win, w) => {
    const later = new Set(windows.slice(w + 1).flat());
    result.push(...bestWindowOrder(win, result, later, consumers, graphOutputs, bytes));
  });
  return { order: result, peakBytes: peakLiveBytes(graph, result, bytes) };
}

/** Exhaustive DP over subsets of one window: min over orders of the max step footprint. */
function bestWindowOrder(win: Node[], done: Node[], later: Set<Node>, consumers: Map<string, Node[]>, graphOutputs: Set<string>, bytes: (t: string) => number): Node[] {
  const index = new Map(win.map((n, i) => [n, i]));
  const producedInWin = new Map<string, number>();
  win.forEach((n, i) => n.outputs.forEach((o) => producedInWin.set(o, i)));
  // dependencies inside the window, as bit masks
  const deps = win.map((n) => n.inputs.reduce((m, t) => (producedInWin.has(t) ? m | (1 << producedInWin.get(t)!) : m), 0));
  // a tensor stays live while some consumer in the window has not run, or forever when read later
  const tensors = new Set<string>([...done.flatMap((n) => n.outputs), ...win.flatMap((n) => n.outputs)]);
  const info = [...tensors].map((t) => {
    const cs = consumers.get(t) ?? [];
    return {
      bytes: bytes(t),
      producer: producedInWin.has(t) ? 1 << producedInWin.get(t)! : 0,
      readersInWin: cs.reduce((m, c) => (index.has(c) ? m | (1 << index.get(c)!) : m), 0),
      keep: graphOutputs.has(t) || cs.some((c) => later.has(c)),
    };
  }).filter((t) => t.bytes > 0 && (t.producer !== 0 || t.readersInWin !== 0 || t.keep));
  const liveAt = (mask: number): number => info.reduce((s, t) => {
    const produced = t.producer === 0 || (mask & t.producer) !== 0;
    const needed = t.keep || (t.readersInWin & ~mask) !== 0;
    return produced && needed ? s + t.bytes : s;
  }, 0);
  const outBytes = win.map((n) => n.outputs.reduce((s, o) => s + bytes(o), 0));
  const full = (1 << win.length) - 1;
  const memo = new Map<number, { peak: number; next: number }>();
  const solve = (mask: number): number => {
    if (mask === full) return 0;
    const hit = memo.get(mask);
    if (hit) return hit.peak;
    const base = liveAt(mask);
    let best = { peak: Infinity, next: -1 };
    for (let v = 0; v < win.length; v++) {
      const bit = 1 << v;
      if (mask & bit || (deps[v] & mask) !== deps[v]) continue;
      const peak = Math.max(base + outBytes[v], solve(mask | bit));
      if (peak < best.peak) best = { peak, next: v };
    }
    memo.set(mask, best);
    return best.peak;
  };
  solve(0);
  const out: Node[] = [];
  for (let mask = 0; mask !== full;) {
    const v = memo.get(mask)!.next;
    out.push(win[v]);
    mask |= 1 << v;
  }
  return out;
}
