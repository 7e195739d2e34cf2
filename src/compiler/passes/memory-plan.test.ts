// Memory planning: greedy-by-size offsets on hand-made lifetimes, and a poisoning simulation on real
// fused paths proving no two live tensors ever share bytes (and that a broken plan is caught).
import { describe, expect, it } from 'vitest';
import { tinyModel, tinySpec } from '../../runtime/test-sr-model.js';
import type { Node } from '../../onnx/graph.js';
import { dimConst, dimSym } from '../symbolic-dim.js';
import { fuseGraph } from './fuse.js';
import { planMemory, tensorLifetimes, type MemoryPlan } from './memory-plan.js';
import { elementsPerUnit, inferPathShapes } from './path-shapes.js';
import { scheduleForMemory } from './schedule.js';

describe('planMemory', () => {
  it.each([
    { name: 'disjoint lifetimes share one slot', lts: [['a', 64, 0, 1], ['b', 64, 2, 3]], arena: 64, naive: 128 },
    { name: 'overlapping lifetimes stack', lts: [['a', 64, 0, 2], ['b', 32, 1, 3]], arena: 96, naive: 96 },
    { name: 'a small tensor fills the gap a freed one left', lts: [['a', 64, 0, 1], ['b', 32, 1, 4], ['c', 48, 2, 3]], arena: 96, naive: 144 },
    { name: 'sizes are aligned to 16 bytes', lts: [['a', 4, 0, 1], ['b', 4, 1, 2]], arena: 32, naive: 32 },
  ])('$name', ({ lts, arena, naive }) => {
    const plan = planMemory(lts.map(([name, bytes, first, last]) => ({ name: name as string, bytes: bytes as number, first: first as number, last: last as number })));
    expect(plan.arenaBytes).toBe(arena);
    expect(plan.naiveBytes).toBe(naive);
  });
});

/** Replays `order` on a CPU arena: every output is stamped with its tensor's tag, every read checks the stamp, freed ranges get NaN. */
function replayWithPoison(order: Node[], plan: MemoryPlan, n: number): string | null {
  const arena = new Float32Array((plan.arenaBytes * n) / 4).fill(NaN);
  const tag = new Map([...plan.offsets.keys()].map((t, i) => [t, i + 1]));
  const span = (t: string) => {
    const lt = plan.lifetimes.find((l) => l.name === t)!;
    return [(plan.offsets.get(t)! * n) / 4, (lt.bytes * n) / 4] as const;
  };
  for (const [step, node] of order.entries()) {
    for (const i of node.inputs) {
      if (!plan.offsets.has(i)) continue;
      const [off, len] = span(i);
      for (let k = 0; k < len; k++) if (arena[off + k] !== tag.get(i)) return `step ${step} (${node.name}) reads '${i}' but it was overwritten`;
    }
    for (const o of node.outputs) if (plan.offsets.has(o)) { const [off, len] = span(o); arena.fill(tag.get(o)!, off, off + len); }
    for (const lt of plan.lifetimes) if (lt.last === step) { const [off, len] = span(lt.name); arena.fill(NaN, off, off + len); }
  }
  return null;
}

function fusedPathPlan(blocks: number, expansion: number, unfused = false) {
  const g = tinyModel(tinySpec(3, [[5, 7, blocks]], 4, expansion), 1).graph;
  const shapes = inferPathShapes(g, { lr: [dimSym('N'), dimConst(3), dimConst(5), dimConst(7)] });
  const graph = unfused ? g : fuseGraph(g, shapes);
  const inArena = (t: string) => !graph.initializers.has(t) && t !== 'lr' && t !== 'hr';
  const bytes = (t: string) => (inArena(t) ? 4 * elementsPerUnit(shapes.get(t)!, 'N') : 0);
  const order = scheduleForMemory(graph, bytes).order;
  return { order, plan: planMemory(tensorLifetimes(order, bytes, inArena)) };
}

describe('memory plan on SR paths (poisoned replay)', () => {
  it.each([
    { blocks: 1, expansion: 2, unfused: false }, { blocks: 3, expansion: 2, unfused: false },
    { blocks: 4, expansion: 4, unfused: false }, { blocks: 2, expansion: 2, unfused: true }, { blocks: 4, expansion: 3, unfused: true },
  ])('B=$blocks r=$expansion unfused=$unfused: no live tensors overlap, arena below the naive sum', ({ blocks, expansion, unfused }) => {
    const { order, plan } = fusedPathPlan(blocks, expansion, unfused);
    for (const n of [1, 3]) expect(replayWithPoison(order, plan, n)).toBeNull();
    // one block keeps all its tensors live at once (f, t, f'); from two blocks on, slots are reused
    if (blocks > 1) expect(plan.arenaBytes).toBeLessThan(plan.naiveBytes); else expect(plan.arenaBytes).toBe(plan.naiveBytes);
  });

  it('the replay catches a plan that puts every tensor at offset 0', () => {
    const { order, plan } = fusedPathPlan(2, 2);
    const broken: MemoryPlan = { ...plan, offsets: new Map([...plan.offsets.keys()].map((k) => [k, 0])) };
    expect(replayWithPoison(order, broken, 2)).toMatch(/overwritten/);
  });
});
