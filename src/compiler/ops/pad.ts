// Pad: I(S,V)->O(S) in spirit (pads are a value from opset 11), I(S)->O(S) when pads are
// attributes. Each padded dim grows by its begin + end pads.
import { attrInts } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import { dimAdd, dimConst } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, normalizeAxis } from './shape-rules.js';
import { constNumbers, derivedValue } from './value-rules.js';

export const padOp: OpDefinition = {
  opTypes: ['Pad'],
  opClass: 'I(S,V)->O(S)',
  update(node, [x, padsIn, constIn, axesIn], ctx) {
    const xd = dimsOf(x);
    const pads = ctx.opset < 11 ? attrInts(node, 'pads') : padsIn && constNumbers(padsIn);
    const axesValue = axesIn ? constNumbers(axesIn) : undefined;
    let shape: ShapeState = SHAPE_NAC;
    let nacReason: string | undefined;
    if (xd && pads && (!axesIn || axesValue)) {
      const axes = axesValue?.map((a) => normalizeAxis(a, xd.length)) ?? xd.map((_, i) => i);
      const dims = [...xd];
      axes.forEach((a, k) => { const d = dims[a]; dims[a] = d && dimAdd(d, dimConst(pads[k] + pads[k + axes.length])); });
      shape = ranked(dims);
    } else if (xd) {
      shape = ranked(new Array<null>(xd.length).fill(null));
      nacReason = 'pads unknown';
    }
    return { outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x, padsIn, constIn, axesIn], shape) }], nacReason };
  },
};
