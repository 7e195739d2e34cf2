// MatMul (numpy semantics, broadcast batch dims) and Gemm: I(S)->O(S).
import { attrInt } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import type { OpDefinition } from './op-types.js';
import { broadcastShapes, dimsOf } from './shape-rules.js';
import { derivedValue } from './value-rules.js';

export const matMulOps: OpDefinition = {
  opTypes: ['MatMul', 'Gemm'],
  opClass: 'I(S)->O(S)',
  update(node, [a, b, c]) {
    const ad = dimsOf(a), bd = dimsOf(b);
    let shape: ShapeState = SHAPE_NAC;
    if (ad && bd && node.opType === 'Gemm') {
      const m = attrInt(node, 'transA', 0) ? ad[1] : ad[0];
      const n = attrInt(node, 'transB', 0) ? bd[0] : bd[1];
      shape = ranked([m, n]);
    } else if (ad && bd) {
      // 1-D operands are promoted to matrices and the added dim removed again
      const a2 = ad.length === 1 ? [null, ad[0]] : ad, b2 = bd.length === 1 ? [bd[0], null] : bd;
      const batch = broadcastShapes([ranked(a2.slice(0, -2)), ranked(b2.slice(0, -2))]);
      const batchDims = batch.kind === 'ranked' ? batch.dims : [];
      shape = ranked([...batchDims, ...(ad.length === 1 ? [] : [a2[a2.length - 2]]), ...(bd.length === 1 ? [] : [b2[b2.length - 1]])]);
    }
    return { outputs: [{ dtype: a!.dtype, shape, value: derivedValue([a, b, c], shape) }] };
  },
};
