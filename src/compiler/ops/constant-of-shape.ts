// ConstantOfShape and EyeLike: I(S)->O(S,V) in the paper's Table 1; their output is a fill
// pattern fixed by a shape, so the value is known whenever that shape is.
import { attrInt, type DataType } from '../../onnx/graph.js';
import { dtypeFromCode } from '../../onnx/model-io.js';
import { knownElementCount, MAX_TRACKED_ELEMENTS, ranked, SHAPE_NAC, VALUE_INFERRED, VALUE_NAC, knownDims, type ValueState } from '../lattice.js';
import type { OpDefinition } from './op-types.js';
import { tensorState, trackedElems } from './value-rules.js';

export const constantOfShapeOp: OpDefinition = {
  opTypes: ['ConstantOfShape'],
  opClass: 'I(S)->O(S,V)',
  update(node, [shapeIn]) {
    const fill = node.attributes.value?.type === 'tensor' ? tensorState(node.attributes.value.value) : undefined;
    const dtype: DataType = fill?.dtype ?? 'float32';
    const fillValue = fill?.value.kind === 'const' && fill.value.elems ? fill.value.elems[0] : 0;
    const elems = trackedElems(shapeIn);
    if (!elems) {
      // the rank is still known when the shape operand's length is
      const rank = knownDims(shapeIn!.shape)?.[0];
      const shape = rank !== undefined ? ranked(new Array<null>(rank).fill(null)) : SHAPE_NAC;
      return { outputs: [{ dtype, shape, value: VALUE_NAC }], nacReason: 'shape operand value unknown' };
    }
    const shape = ranked(elems);
    const n = knownElementCount(shape);
    const value: ValueState = n !== undefined && n <= MAX_TRACKED_ELEMENTS ? { kind: 'const', elems: new Array<number>(n).fill(fillValue) }
      : VALUE_INFERRED;
    return { outputs: [{ dtype, shape, value }] };
  },
};

export const eyeLikeOp: OpDefinition = {
  opTypes: ['EyeLike'],
  opClass: 'I(S)->O(S,V)',
  update(node, [x]) {
    const dtypeCode = attrInt(node, 'dtype');
    const dtype = dtypeCode !== undefined ? dtypeFromCode(dtypeCode) : x!.dtype;
    const dims = knownDims(x!.shape);
    const k = attrInt(node, 'k', 0);
    let value: ValueState = VALUE_NAC;
    if (dims && dims.length === 2) {
      value = dims[0] * dims[1] <= MAX_TRACKED_ELEMENTS
        ? { kind: 'const', elems: Array.from({ length: dims[0] * dims[1] }, (_, i) => (Math.floor(i / dims[1]) + k === i % dims[1] ? 1 : 0)) }
        : VALUE_INFERRED;
    }
    return { outputs: [{ dtype, shape: x!.shape, value }] };
  },
};
