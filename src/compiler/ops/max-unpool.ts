// MaxUnpool: I(S,V)->O(S); the optional output_shape value decides, else (in-1)*stride + kernel - pads.
import { attrInts } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import { dimAdd, dimConst, dimMul, dimSub } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const maxUnpoolOp: OpDefinition = {
  opTypes: ['MaxUnpool'],
  opClass: 'I(S,V)->O(S)',
  update(node, [x, indices, outShapeIn]) {
    const xd = dimsOf(x);
    const given = outShapeIn && trackedElems(outShapeIn);
    let shape: ShapeState = SHAPE_NAC;
    if (given) shape = ranked(given);
    else if (xd && !outShapeIn) {
      const kernel = attrInts(node, 'kernel_shape') ?? [];
      const k = kernel.length;
      const strides = attrInts(node, 'strides') ?? new Array<number>(k).fill(1);
      const pads = attrInts(node, 'pads') ?? new Array<number>(2 * k).fill(0);
      shape = ranked([xd[0], xd[1], ...xd.slice(2).map((d, i) => d && dimAdd(dimMul(dimSub(d, dimConst(1)), dimConst(strides[i])), dimConst(kernel[i] - pads[i] - pads[i + k])))]);
    } else if (xd) shape = ranked(new Array<null>(xd.length).fill(null));
    return { outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x, indices, outShapeIn], shape) }] };
  },
};
