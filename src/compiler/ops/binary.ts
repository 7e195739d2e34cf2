// Broadcasting elementwise operators (Add, Sub, Mul, Div, Pow, Mod, Min, Max, And, Less, Equal, ...): I(S)->O(S).
// Values are computed exactly on dim expressions so routing arithmetic (Shape -> Gather -> Less) stays known.
import { attrInt, type DataType } from '../../onnx/graph.js';
import { knownDims, type TensorState } from '../lattice.js';
import {
  dimAdd, dimConst, dimFloorDiv, dimMax, dimMin, dimMod, dimMul, dimSub, dimValue, isDimNonNegative, type DimExpr,
} from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { broadcastShapes, indicesOf, stridesOf } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

type BinaryFn = (a: DimExpr, b: DimExpr, dtype?: DataType | null) => DimExpr | undefined;
const INTEGER_TYPES = new Set<DataType | null>(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);
const nums = (f: (a: number, b: number) => number): BinaryFn => (a, b) => {
  const x = dimValue(a), y = dimValue(b);
  return x === undefined || y === undefined ? undefined : dimConst(f(x, y));
};
/** A comparison decided on the difference, which may be constant or provably signed even when both sides are symbolic. */
const compare = (test: (diff: number) => boolean, nonNegDecides?: boolean): BinaryFn => (a, b) => {
  const diff = dimSub(a, b);
  const d = dimValue(diff);
  if (d !== undefined) return dimConst(test(d) ? 1 : 0);
  return nonNegDecides !== undefined && isDimNonNegative(diff) ? dimConst(nonNegDecides ? 1 : 0) : undefined;
};

const valueFns: Record<string, BinaryFn> = {
  Add: dimAdd, Sum: dimAdd, Sub: dimSub, Mul: dimMul,
  Div: (a, b, dtype) => {
    if (!INTEGER_TYPES.has(dtype ?? null)) return nums((x, y) => x / y)(a, b);
    const x = dimValue(a), y = dimValue(b);
    if (x !== undefined && y !== undefined) return y === 0 ? undefined : dimConst(Math.trunc(x / y));
    // integer division truncates; it equals floor division for the non-negative values shape code divides
    return isDimNonNegative(a) && y !== undefined && y > 0 ? dimFloorDiv(a, b) : undefined;
  },
  Mod: (a, b) => dimMod(a, b),
  Pow: nums((x, y) => x ** y),
  Min: dimMin, Max: dimMax,
  And: nums((x, y) => (x && y ? 1 : 0)), Or: nums((x, y) => (x || y ? 1 : 0)), Xor: nums((x, y) => ((x ? 1 : 0) ^ (y ? 1 : 0))),
  // a - b >= 0 proves "not less" and "greater or equal"
  Less: compare((d) => d < 0, false), LessOrEqual: compare((d) => d <= 0),
  Greater: compare((d) => d > 0), GreaterOrEqual: compare((d) => d >= 0, true),
  Equal: compare((d) => d === 0),
};
const COMPARISONS = new Set(['Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Equal', 'And', 'Or', 'Xor']);

/** Elementwise value with broadcasting over concrete dims. */
function broadcastValues(inputs: TensorState[], outDims: number[], fn: (args: DimExpr[]) => DimExpr | undefined): DimExpr[] | undefined {
  const views = inputs.map((t) => {
    const dims = knownDims(t.shape)!;
    const strides = stridesOf(dims);
    const pad = outDims.length - dims.length;
    return { elems: trackedElems(t)!, dims, strides, pad };
  });
  const out: DimExpr[] = [];
  for (const idx of indicesOf(outDims)) {
    const args = views.map((v) => v.elems[v.dims.reduce((off, d, k) => off + (d === 1 ? 0 : idx[k + v.pad]) * v.strides[k], 0)]);
    const r = fn(args);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}

export const binaryOps: OpDefinition = {
  opTypes: [...Object.keys(valueFns), 'Mean', 'PRelu', 'BitShift'],
  opClass: 'I(S)->O(S)',
  update(node, inputs) {
    const present = inputs.filter((t): t is TensorState => t !== undefined);
    const shape = broadcastShapes(present.map((t) => t.shape));
    const dtype: DataType | null = COMPARISONS.has(node.opType) ? 'bool' : present[0].dtype;
    const fn = valueFns[node.opType];
    const outDims = knownDims(shape);
    const value = derivedValue(present, shape, fn && outDims && (() =>
      broadcastValues(present, outDims, (args) => args.slice(1).reduce<DimExpr | undefined>((acc, b) => acc && fn(acc, b, present[0].dtype), args[0]))));
    if (node.opType === 'Mod' && attrInt(node, 'fmod', 0) === 1 && value.kind !== 'nac') {
      // fmod takes the dividend's sign; only the integer floor-mod is tracked
      return { outputs: [{ dtype, shape, value: derivedValue(present, shape) }] };
    }
    return { outputs: [{ dtype, shape, value }] };
  },
};

export const whereOp: OpDefinition = {
  opTypes: ['Where'],
  opClass: 'I(S)->O(S)',
  update(_node, inputs) {
    const present = inputs as TensorState[];
    const shape = broadcastShapes(present.map((t) => t.shape));
    const outDims = knownDims(shape);
    const value = derivedValue(present, shape, outDims && (() => broadcastValues(present, outDims, ([c, x, y]) => {
      const cv = dimValue(c);
      return cv === undefined ? undefined : cv ? x : y;
    })));
    return { outputs: [{ dtype: present[1].dtype, shape, value }] };
  },
};
