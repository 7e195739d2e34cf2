// Shape and Size: I(S)->O(S,V). Their value is the input's shape, so it is symbolic whenever the
// input shape is (paper's algorithm, step 4); it feeds the routing arithmetic.
import { attrInt } from '../../onnx/graph.js';
import { ranked, valueFromElems, VALUE_NAC, type Dim } from '../lattice.js';
import { dimConst, dimMul, dimOpaque, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf } from './shape-rules.js';

const allKnown = (dims: Dim[]): dims is DimExpr[] => dims.every((d) => d !== null);

export const shapeOp: OpDefinition = {
  opTypes: ['Shape'],
  opClass: 'I(S)->O(S,V)',
  update(node, [x]) {
    const dims = dimsOf(x);
    if (!dims) return { outputs: [{ dtype: 'int64', shape: ranked([null]), value: VALUE_NAC }], nacReason: 'input rank unknown' };
    const rank = dims.length;
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const start = clamp(attrInt(node, 'start', 0));
    // unknown dims become opaque symbols so the known ones stay usable (Gather of a known height)
    const picked = dims.slice(start, clamp(attrInt(node, 'end', rank))).map((d, i) => d ?? dimOpaque(`${node.inputs[0] ?? node.name}[${start + i}]`));
    return { outputs: [{ dtype: 'int64', shape: ranked([picked.length]), value: valueFromElems(picked) }] };
  },
};

export const sizeOp: OpDefinition = {
  opTypes: ['Size'],
  opClass: 'I(S)->O(S,V)',
  update(_node, [x]) {
    const dims = dimsOf(x);
    const value = dims && allKnown(dims) ? valueFromElems([dims.reduce((a, b) => dimMul(a, b), dimConst(1))]) : VALUE_NAC;
    return { outputs: [{ dtype: 'int64', shape: ranked([]), value }] };
  },
};
