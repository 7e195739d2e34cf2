// Shapes of a specialised (straight-line, one path) SR graph over symbolic dims (N stays a symbol), from the
// same transfer functions the analysis uses (../ops/, fused ops included): one shape rule per operator.
import type { Graph } from '../../onnx/graph.js';
import { ranked, type TensorState } from '../lattice.js';
import type { OpContext } from '../ops/op-types.js';
import { lookupOp } from '../ops/registry.js';
import { tensorState } from '../ops/value-rules.js';
import { dimConst, dimEqual, dimEvaluate, dimMul, dimSymbols, formatDim, type DimExpr } from '../symbolic-dim.js';

export type Shape = DimExpr[];
export type ShapeMap = Map<string, Shape>;

export function shapeOf(shapes: ShapeMap, name: string): Shape {
  const s = shapes.get(name);
  if (!s) throw new Error(`no shape known for tensor '${name}'; is the graph specialised for one input shape?`);
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => dimEqual(d, b[i]));
}

export function formatShape(s: Shape): string { return `[${s.map(formatDim).join(',')}]`; }

/** Element count, as an expression in the shape's symbols. */
export function elementCount(s: Shape): DimExpr { return s.reduce((acc, d) => dimMul(acc, d), dimConst(1)); }

/**
 * Elements per unit of `symbol` when the count is linear in it (k*N), so a plan made for N=1 scales by N.
 * Throws when the count is not of that form (then static sizes cannot be planned once per shape class).
 */
export function elementsPerUnit(s: Shape, symbol: string): number {
  const count = elementCount(s);
  const syms = dimSymbols(count);
  if (syms.size === 0) return dimEvaluate(count, {});
  const one = dimEvaluate(count, { [symbol]: 1 });
  if (syms.size !== 1 || !syms.has(symbol) || dimEvaluate(count, { [symbol]: 2 }) !== 2 * one || dimEvaluate(count, { [symbol]: 0 }) !== 0) {
    throw new Error(`tensor size ${formatDim(count)} is not linear in ${symbol}; specialise the graph for one patch shape first`);
  }
  return one;
}

/** Shapes of every tensor of a straight-line graph (inputs given, initializers from their dims), by the operators' own transfer functions (../ops/). */
export function inferPathShapes(graph: Graph, inputs: Record<string, Shape>): ShapeMap {
  const shapes: ShapeMap = new Map();
  const states = new Map<string, TensorState>();
  const set = (name: string, t: TensorState) => {
    states.set(name, t);
    if (t.shape.kind === 'ranked' && t.shape.dims.every((d) => d !== null)) shapes.set(name, t.shape.dims as Shape);
  };
  for (const [name, shape] of Object.entries(inputs)) set(name, { dtype: 'float32', shape: ranked(shape), value: { kind: 'nac' } });
  for (const [name, t] of graph.initializers) set(name, tensorState(t));
  const noSubgraphs: OpContext = {
    opset: 17,
    analyzeSubgraph: () => { throw new Error('a specialised SR path has no If/Loop left'); },
    recordBranch: () => {},
  };
  for (const node of graph.nodes) {
    const def = lookupOp(node.opType, node.domain);
    if (!def) throw new Error(`${node.name}: op ${node.opType} is not part of a specialised SR path`);
    const ins = node.inputs.map((name) => {
      if (name === '') return undefined;
      const t = states.get(name);
      if (!t) throw new Error(`${node.name}: input '${name}' has no shape; is the graph in topological order?`);
      return t;
    });
    const { outputs } = def.update(node, ins, noSubgraphs);
    node.outputs.forEach((name, i) => {
      const t = outputs[i];
      if (!t || t.shape.kind !== 'ranked' || t.shape.dims.some((d) => d === null)) {
        throw new Error(`${node.name}: the shape of '${name}' is not known at compile time (inputs ${node.inputs.filter(Boolean).map((n) => formatShape(shapeOf(shapes, n))).join(', ')})`);
      }
      set(name, t);
    });
  }
  return shapes;
}
