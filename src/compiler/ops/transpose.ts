// Transpose: I(S)->O(S); permutes dims (reversed when perm is absent) and tracked values.
import { attrInts } from '../../onnx/graph.js';
import { knownDims, ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, indicesOf, stridesOf } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const transposeOp: OpDefinition = {
  opTypes: ['Transpose'],
  opClass: 'I(S)->O(S)',
  update(node, [x]) {
    const xd = dimsOf(x);
    const perm = attrInts(node, 'perm') ?? xd?.map((_, i) => xd.length - 1 - i);
    const shape: ShapeState = xd && perm ? ranked(perm.map((p) => xd[p])) : SHAPE_NAC;
    const value = derivedValue([x], shape, () => {
      const inDims = knownDims(x!.shape), outDims = knownDims(shape);
      if (!inDims || !outDims || !perm) return undefined;
      const strides = stridesOf(inDims), src = trackedElems(x)!;
      return [...indicesOf(outDims)].map((o) => src[o.reduce((off, v, k) => off + v * strides[perm[k]], 0)]);
    });
    return { outputs: [{ dtype: x!.dtype, shape, value }] };
  },
};
