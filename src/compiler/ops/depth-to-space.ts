// DepthToSpace and SpaceToDepth: I(S)->O(S). [N, C, H, W] <-> [N, C/(b*b), H*b, W*b].
import { attrInt } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type Dim, type ShapeState } from '../lattice.js';
import { dimConst, dimExactDiv, dimFloorDiv, dimMul } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf } from './shape-rules.js';
import { derivedValue } from './value-rules.js';

const times = (d: Dim, k: number): Dim => d && dimMul(d, dimConst(k));
const over = (d: Dim, k: number): Dim => d && (dimExactDiv(d, dimConst(k)) ?? dimFloorDiv(d, dimConst(k)) ?? null);

export const depthToSpaceOps: OpDefinition = {
  opTypes: ['DepthToSpace', 'SpaceToDepth'],
  opClass: 'I(S)->O(S)',
  update(node, [x]) {
    const xd = dimsOf(x);
    const b = attrInt(node, 'blocksize', 1);
    let shape: ShapeState = SHAPE_NAC;
    if (xd && xd.length === 4) {
      const [n, c, h, w] = xd;
      shape = node.opType === 'DepthToSpace'
        ? ranked([n, over(c, b * b), times(h, b), times(w, b)])
        : ranked([n, times(c, b * b), over(h, b), over(w, b)]);
    }
    return { outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x], shape) }] };
  },
};
