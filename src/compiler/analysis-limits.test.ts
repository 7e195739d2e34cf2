// The analysis on hostile model shapes: deeply nested If (work must stay linear, depth beyond the limit is
// refused clearly) and long operator chains (no call-stack overflow).
import { describe, expect, it } from 'vitest';
import { attr, GraphBuilder, tensorF32 } from '../onnx/graph-builder.js';
import type { Model } from '../onnx/graph.js';
import { AnalysisLimitError, analyzeModel, depthFirstOrder, MAX_SUBGRAPH_DEPTH, subgraphDepth, toContractJson } from './analysis.js';
import { routedMarkerModel } from './test-support/test-models.js';

/** `depth` Ifs, each nested in the previous one's then-branch, on a symbolic condition (neither branch is decided). */
function nestedIfModel(depth: number): Model {
  const b = new GraphBuilder('nested_if');
  b.input('x', 'float32', ['N', 4]);
  b.input('c', 'bool', []);
  const level = (g: GraphBuilder, k: number, out: string): void => {
    const thenB = new GraphBuilder(`if${k}/then`);
    if (k + 1 < depth) level(thenB, k + 1, `if${k}/then_out`);
    else thenB.node('Relu', ['x'], {}, { name: `leaf${k}`, outputs: [`if${k}/then_out`] });
    thenB.output(`if${k}/then_out`, 'float32', null);
    const elseB = new GraphBuilder(`if${k}/else`);
    elseB.node('Neg', ['x'], {}, { name: `neg${k}`, outputs: [`if${k}/else_out`] });
    elseB.output(`if${k}/else_out`, 'float32', null);
    g.node('If', ['c'], { then_branch: attr.graph(thenB.buildGraph()), else_branch: attr.graph(elseB.buildGraph()) }, { name: `if${k}`, outputs: [out] });
  };
  level(b, 0, 'y');
  b.output('y', 'float32', ['N', 4]);
  return b.build(17);
}

describe('analysis work and limits', () => {
  it.each([4, 16, 40, MAX_SUBGRAPH_DEPTH])('nested If depth %i: every branch analysed a bounded number of times', (depth) => {
    const model = nestedIfModel(depth);
    expect(subgraphDepth(model.graph)).toBe(depth);
    const a = analyzeModel(model);
    const operators = 2 * depth; // one If and one Neg per level, the Relu leaf replaces the last If's then-If
    // a DAG reaches its fixpoint in two passes per graph; each subgraph is re-run only when what it reads changes
    expect(a.updates).toBeLessThanOrEqual(4 * (operators + 1));
    expect(toContractJson(a).tensors.y.shape).toEqual(['N', 4]);
  });

  it('the routed model at 30 paths (29 nested routing Ifs, symbolic height) stays linear', () => {
    const heights = Array.from({ length: 30 }, (_, k) => 300 - 8 * k);
    const a = analyzeModel(routedMarkerModel(heights));
    expect(a.updates).toBeLessThanOrEqual(4 * a.nodes.size);
    expect(toContractJson(a).tensors.hr.shape).toEqual(['N', 3, '2*h', '2*w']);
  });

  it('refuses nesting deeper than the limit with a clear error, not a stack overflow', () => {
    expect(() => analyzeModel(nestedIfModel(2000))).toThrow(AnalysisLimitError);
    expect(() => analyzeModel(nestedIfModel(MAX_SUBGRAPH_DEPTH + 1))).toThrow(new RegExp(`${MAX_SUBGRAPH_DEPTH + 1} levels deep; the analysis supports at most ${MAX_SUBGRAPH_DEPTH}`));
  });

  it('orders and analyses a 50000-operator chain without overflowing the call stack', () => {
    const b = new GraphBuilder('chain');
    b.input('x', 'float32', [1, 8]);
    b.initializer('one', tensorF32([1], [1]));
    let t = 'x';
    for (let i = 0; i < 50_000; i++) [t] = b.node(i % 2 ? 'Relu' : 'Add', i % 2 ? [t] : [t, 'one'], {}, { name: `n${i}`, outputs: [`t${i}`] });
    b.output(t, 'float32', [1, 8]);
    const model = b.build(17);
    expect(depthFirstOrder(model.graph).length).toBe(50_000);
    expect(toContractJson(analyzeModel(model)).tensors[t].shape).toEqual([1, 8]);
  });
});
