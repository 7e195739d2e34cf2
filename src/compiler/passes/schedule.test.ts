// Execution planning: the searched order never has a higher peak than the given one, is topological,
// and finds the known better order on small hand-made graphs.
import { describe, expect, it } from 'vitest';
import type { Graph, Node } from '../../onnx/graph.js';
import { tinyModel, tinySpec } from '../../runtime/test-sr-model.js';
import { dimConst, dimEvaluate, dimSym } from '../symbolic-dim.js';
import { elementCount, inferPathShapes } from './path-shapes.js';
import { peakLiveBytes, scheduleForMemory } from './schedule.js';

const node = (name: string, inputs: string[], outputs: string[]): Node => ({ name, opType: 'Op', domain: '', inputs, outputs, attributes: {} });
const graph = (nodes: Node[], outputs: string[]): Graph => ({ name: 'g', nodes, inputs: [], outputs: outputs.map((name) => ({ name, dtype: 'float32', shape: null })), initializers: new Map(), valueInfo: [] });

function isTopological(g: Graph, order: Node[]): boolean {
  const ready = new Set<string>(['x']);
  for (const n of order) { if (!n.inputs.every((i) => ready.has(i))) return false; n.outputs.forEach((o) => ready.add(o)); }
  return order.length === g.nodes.length;
}

describe('scheduleForMemory', () => {
  it.each([
    {
      name: 'a big tensor needed only at the end is produced late',
      nodes: [node('A', ['x'], ['a']), node('B', ['x'], ['b']), node('C', ['b'], ['c']), node('D', ['a', 'c'], ['d'])],
      sizes: { a: 100, b: 10, c: 10, d: 1 } as Record<string, number>, before: 120, after: 111, order: 'BCAD',
    },
    {
      name: 'two independent chains run one after the other',
      nodes: [node('A1', ['x'], ['a1']), node('B1', ['x'], ['b1']), node('A2', ['a1'], ['a2']), node('B2', ['b1'], ['b2']), node('J', ['a2', 'b2'], ['j'])],
      sizes: { a1: 50, b1: 50, a2: 5, b2: 5, j: 1 } as Record<string, number>, before: 105, after: 60, order: 'A1A2B1B2J',
    },
  ])('$name', ({ nodes, sizes, before, after, order }) => {
    const g = graph(nodes, ['d', 'j'].filter((o) => nodes.some((n) => n.outputs.includes(o))));
    const bytes = (t: string) => sizes[t] ?? 0;
    expect(peakLiveBytes(g, g.nodes, bytes)).toBe(before);
    const s = scheduleForMemory(g, bytes);
    expect(s.peakBytes).toBe(after);
    expect(s.order.map((n) => n.name).join('')).toBe(order);
    expect(isTopological(g, s.order)).toBe(true);
  });

  it('never reorders across a not-a-constant barrier', () => {
    const nodes = [node('A', ['x'], ['a']), node('B', ['x'], ['b']), node('C', ['b'], ['c']), node('D', ['a', 'c'], ['d'])];
    const g = graph(nodes, ['d']);
    const sizes: Record<string, number> = { a: 100, b: 10, c: 10, d: 1 };
    const s = scheduleForMemory(g, (t) => sizes[t] ?? 0, { barriers: new Set(['a']) });
    expect(s.order.map((n) => n.name).join('')).toBe('ABCD');
  });

  it.each([1, 2, 4])('an exported path (B=%i) gets a topological order no worse than the exported one', (blocks) => {
    const g = tinyModel(tinySpec(2, [[6, 6, blocks]], 4, 2), 3).graph;
    const shapes = inferPathShapes(g, { lr: [dimSym('N'), dimConst(3), dimConst(6), dimConst(6)] });
    const bytes = (t: string) => (g.initializers.has(t) || t === 'lr' ? 0 : 4 * dimEvaluate(elementCount(shapes.get(t)!), { N: 1 }));
    const s = scheduleForMemory(g, bytes, { window: 6 });
    const ready = new Set<string>(['lr', ...g.initializers.keys()]);
    for (const n of s.order) { expect(n.inputs.every((i) => ready.has(i))).toBe(true); n.outputs.forEach((o) => ready.add(o)); }
    expect(s.order.length).toBe(g.nodes.length);
    expect(s.peakBytes).toBeLessThanOrEqual(peakLiveBytes(g, g.nodes, bytes));
  });
});
