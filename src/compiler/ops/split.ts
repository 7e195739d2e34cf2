// Split: I(S,V)->O(S) from opset 13 (split sizes are a value), equal parts otherwise.
import { attrInt, attrInts } from '../../onnx/graph.js';
import { knownDims, ranked, SHAPE_NAC, type Dim, type TensorState } from '../lattice.js';
import { dimConst, dimExactDiv, dimValue } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, indicesOf, normalizeAxis, stridesOf } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const splitOp: OpDefinition = {
  opTypes: ['Split'],
  opClass: 'I(S,V)->O(S)',
  update(node, [x, splitIn], ctx) {
    const xd = dimsOf(x);
    const n = node.outputs.length;
    if (!xd) return { outputs: node.outputs.map((): TensorState => ({ dtype: x!.dtype, shape: SHAPE_NAC, value: derivedValue([x], SHAPE_NAC) })) };
    const axis = normalizeAxis(attrInt(node, 'axis', 0), xd.length);
    const d = xd[axis];
    const given = ctx.opset < 13 ? attrInts(node, 'split')?.map((v) => dimConst(v)) : splitIn && trackedElems(splitIn);
    let sizes: Dim[];
    if (given) sizes = given;
    else if (splitIn) sizes = new Array<Dim>(n).fill(null);
    else {
      // equal chunks of ceil(d/n), the last takes the remainder; on a symbolic dim only an exact split is known
      const dv = d ? dimValue(d) : undefined;
      const chunk = dv !== undefined ? Math.ceil(dv / n) : undefined;
      const exact = d && dv === undefined ? dimExactDiv(d, dimConst(n)) : undefined;
      sizes = Array.from({ length: n }, (_, i) => (chunk !== undefined ? dimConst(i < n - 1 ? chunk : dv! - chunk * (n - 1)) : exact ?? null));
    }
    const inDims = knownDims(x!.shape);
    let offset = 0;
    return {
      outputs: sizes.map((size) => {
        const dims = [...xd]; dims[axis] = size;
        const shape = ranked(dims);
        const start = offset;
        offset += size ? dimValue(size) ?? Number.NaN : Number.NaN;
        // tracked values are cut along the axis (e.g. splitting Shape(x) into its dims)
        const value = derivedValue([x, splitIn], shape, () => {
          const outDims = knownDims(shape), src = trackedElems(x)!;
          if (!inDims || !outDims || Number.isNaN(start)) return undefined;
          const strides = stridesOf(inDims);
          return [...indicesOf(outDims)].map((o) => src[o.reduce((off, v, k) => off + (k === axis ? v + start : v) * strides[k], 0)]);
        });
        return { dtype: x!.dtype, shape, value };
      }),
    };
  },
};
