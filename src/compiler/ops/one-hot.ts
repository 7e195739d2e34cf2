// OneHot: I(S,V)->O(S); the depth value is inserted into the indices' shape at `axis`.
import { attrInt } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, normalizeAxis } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const oneHotOp: OpDefinition = {
  opTypes: ['OneHot'],
  opClass: 'I(S,V)->O(S)',
  update(node, [indices, depthIn, values]) {
    const id = dimsOf(indices);
    const depth = trackedElems(depthIn)?.[0] ?? null;
    let shape: ShapeState = SHAPE_NAC;
    if (id) {
      const dims = [...id];
      dims.splice(normalizeAxis(attrInt(node, 'axis', -1), id.length + 1), 0, depth);
      shape = ranked(dims);
    }
    return { outputs: [{ dtype: values!.dtype, shape, value: derivedValue([indices, depthIn, values], shape) }], nacReason: depth ? undefined : 'depth unknown' };
  },
};
