// Gather and GatherElements: I(S)->O(S) in Table 1. Gather also moves tracked values, which is how
// the routing node's `Gather(Shape(lr), 2)` yields the symbolic patch height.
import { attrInt } from '../../onnx/graph.js';
import { knownDims, ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import { dimValue, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, indicesOf, normalizeAxis, stridesOf } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const gatherOp: OpDefinition = {
  opTypes: ['Gather'],
  opClass: 'I(S)->O(S)',
  update(node, [data, indices]) {
    const dd = dimsOf(data), id = dimsOf(indices);
    let shape: ShapeState = SHAPE_NAC;
    let axis = 0;
    if (dd && id) {
      axis = normalizeAxis(attrInt(node, 'axis', 0), dd.length);
      shape = ranked([...dd.slice(0, axis), ...id, ...dd.slice(axis + 1)]);
    }
    const value = derivedValue([data, indices], shape, () => {
      const dataDims = knownDims(data!.shape), outDims = knownDims(shape), idxDims = knownDims(indices!.shape);
      const idx = trackedElems(indices)!.map(dimValue);
      if (!dataDims || !outDims || !idxDims || idx.some((v) => v === undefined)) return undefined;
      const src = trackedElems(data)!, strides = stridesOf(dataDims), idxStrides = stridesOf(idxDims);
      const out: DimExpr[] = [];
      for (const o of indicesOf(outDims)) {
        const q = idxDims.length;
        const which = o.slice(axis, axis + q).reduce((off, v, k) => off + v * idxStrides[k], 0);
        let i = idx[which]!;
        if (i < 0) i += dataDims[axis];
        const full = [...o.slice(0, axis), i, ...o.slice(axis + q)];
        out.push(src[full.reduce((off, v, k) => off + v * strides[k], 0)]);
      }
      return out;
    });
    return { outputs: [{ dtype: data!.dtype, shape, value }] };
  },
};

export const gatherElementsOp: OpDefinition = {
  opTypes: ['GatherElements'],
  opClass: 'I(S)->O(S)',
  update(_node, [data, indices]) {
    return { outputs: [{ dtype: data!.dtype, shape: indices!.shape, value: derivedValue([data, indices], indices!.shape) }] };
  },
};
