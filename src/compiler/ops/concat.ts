// Concat: I(S)->O(S). The concatenated dim is the sum of the inputs' dims; values are concatenated
// too, so Concat of Shape slices builds exact target shapes for Reshape.
import { attrInt } from '../../onnx/graph.js';
import { knownDims, ranked, SHAPE_NAC, type Dim, type ShapeState, type TensorState } from '../lattice.js';
import { dimAdd, dimConst, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, indicesOf, normalizeAxis, stridesOf } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const concatOp: OpDefinition = {
  opTypes: ['Concat'],
  opClass: 'I(S)->O(S)',
  update(node, inputs) {
    const present = inputs.filter((t): t is TensorState => t !== undefined);
    const all = present.map(dimsOf);
    let shape: ShapeState = SHAPE_NAC;
    let axis = 0;
    if (all.every((d): d is Dim[] => d !== undefined)) {
      const rank = all[0].length;
      axis = normalizeAxis(attrInt(node, 'axis', 0), rank);
      const dims = all[0].map((_, i) => {
        if (i === axis) return all.reduce<Dim>((acc, d) => (acc && d[i] ? dimAdd(acc, d[i] as DimExpr) : null), dimConst(0));
        // all inputs agree off-axis; any known one tells the dim
        return all.map((d) => d[i]).find((d) => d !== null) ?? null;
      });
      shape = ranked(dims);
    }
    const value = derivedValue(present, shape, () => {
      const outDims = knownDims(shape);
      const inDims = present.map((t) => knownDims(t.shape));
      if (!outDims || inDims.some((d) => !d)) return undefined;
      const out: DimExpr[] = [];
      for (const o of indicesOf(outDims)) {
        let k = 0, pos = o[axis];
        while (pos >= inDims[k]![axis]) pos -= inDims[k++]![axis];
        const at = [...o]; at[axis] = pos;
        out.push(trackedElems(present[k])![at.reduce((off, v, j) => off + v * stridesOf(inDims[k]!)[j], 0)]);
      }
      return out;
    });
    return { outputs: [{ dtype: present[0].dtype, shape, value }] };
  },
};
