// Shape inference for a specialised (straight-line, one path) SR graph: the ops an exported path uses
// (Sub, Add, Conv, Relu, DepthToSpace, and the fused ops of ./fuse.ts), over symbolic dims (N stays a symbol).
import { attrInt, attrInts, type Graph, type Node } from '../../onnx/graph.js';
import { dimAdd, dimConst, dimEqual, dimEvaluate, dimFloorDiv, dimMul, dimSub, dimSymbols, dimValue, formatDim, type DimExpr } from '../symbolic-dim.js';

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

function broadcast(a: Shape, b: Shape, node: Node): Shape {
  const rank = Math.max(a.length, b.length);
  const pa = [...Array<DimExpr>(rank - a.length).fill(dimConst(1)), ...a];
  const pb = [...Array<DimExpr>(rank - b.length).fill(dimConst(1)), ...b];
  return pa.map((x, i) => {
    const y = pb[i];
    if (dimValue(x) === 1) return y;
    if (dimValue(y) === 1 || dimEqual(x, y)) return x;
    throw new Error(`${node.name}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
  });
}

function convShape(x: Shape, w: Shape, node: Node): Shape {
  const pads = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  const strides = attrInts(node, 'strides') ?? [1, 1];
  if (strides.some((s) => s !== 1)) throw new Error(`${node.name}: strided Conv is not part of an SR path`);
  const out = (i: number, k: DimExpr, p0: number, p1: number): DimExpr => dimAdd(dimSub(dimAdd(x[i], dimConst(p0 + p1)), k), dimConst(1));
  return [x[0], w[0], out(2, w[2], pads[0], pads[2]), out(3, w[3], pads[1], pads[3])];
}

function nodeShapes(node: Node, shapes: ShapeMap): Shape[] {
  const s = (i: number): Shape => shapeOf(shapes, node.inputs[i]);
  switch (node.opType) {
    case 'Sub': case 'Add': case 'Mul': return [broadcast(s(0), s(1), node)];
    case 'Relu': return [s(0)];
    case 'Conv': case 'FusedConv': return [convShape(s(0), s(1), node)];
    case 'DepthToSpace': {
      const b = attrInt(node, 'blocksize', 1);
      const [n, c, h, w] = s(0);
      const cOut = dimFloorDiv(c, dimConst(b * b));
      if (!cOut) throw new Error(`${node.name}: channels ${formatDim(c)} not divisible by ${b * b}`);
      return [[n, cOut, dimMul(h, dimConst(b)), dimMul(w, dimConst(b))]];
    }
    case 'FusedSRTail': {
      const b = attrInt(node, 'blocksize', 1);
      const [n, , h, w] = convShape(s(0), s(1), { ...node, attributes: { pads: node.attributes.pads_a } });
      return [[n, dimConst(dimValue(s(1)[0])! / (b * b)), dimMul(h, dimConst(b)), dimMul(w, dimConst(b))]];
    }
    default: throw new Error(`${node.name}: op ${node.opType} is not part of a specialised SR path`);
  }
}

/** Shapes of every tensor of a straight-line graph (inputs given, initializers from their dims). */
export function inferPathShapes(graph: Graph, inputs: Record<string, Shape>): ShapeMap {
  const shapes: ShapeMap = new Map();
  for (const [name, shape] of Object.entries(inputs)) shapes.set(name, shape);
  for (const [name, t] of graph.initializers) shapes.set(name, t.dims.map(dimConst));
  for (const node of graph.nodes) {
    nodeShapes(node, shapes).forEach((shape, i) => shapes.set(node.outputs[i], shape));
  }
  return shapes;
}
