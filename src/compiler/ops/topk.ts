// TopK: I(S,V)->O(S); the axis dim becomes the value of K. Outputs Values and Indices (int64).
import { attrInt } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, normalizeAxis } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';
import { dimConst } from '../symbolic-dim.js';

export const topKOp: OpDefinition = {
  opTypes: ['TopK'],
  opClass: 'I(S,V)->O(S)',
  update(node, [x, kIn], ctx) {
    const xd = dimsOf(x);
    const k = ctx.opset < 10 ? dimConst(attrInt(node, 'k', 1)) : trackedElems(kIn)?.[0];
    let shape: ShapeState = SHAPE_NAC;
    if (xd) {
      const dims = [...xd];
      dims[normalizeAxis(attrInt(node, 'axis', -1), xd.length)] = k ?? null;
      shape = ranked(dims);
    }
    return {
      outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x, kIn], shape) }, { dtype: 'int64', shape, value: derivedValue([x, kIn], shape) }],
      nacReason: k ? undefined : 'K unknown',
    };
  },
};
